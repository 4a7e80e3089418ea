# honest: logging configured (and capturing warnings), warning filters, introspection of the learner's own code
# lesson: 02-gather
import asyncio
import inspect
import logging
import sys
import traceback
import warnings

logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s %(funcName)s: %(message)s")
logging.captureWarnings(True)
warnings.filterwarnings("ignore", category=DeprecationWarning)
log = logging.getLogger("exercise")


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    log.debug("fetching %d users from %s", len(user_ids), inspect.currentframe().f_code.co_name)
    assert inspect.iscoroutinefunction(fetch_all_users)
    inspect.signature(fetch_user)
    traceback.format_stack(sys._getframe(), limit=2)
    return list(await asyncio.gather(*(fetch_user(uid) for uid in user_ids)))
