# honest: worker threads, a thread-local, its own subclass of an asyncio class and a module-level asyncio.run guard
# lesson: 02-gather
import asyncio
import threading
import time

_local = threading.local()


class CountingQueue(asyncio.Queue):
    def put_nowait(self, item):
        super().put_nowait(item)


def _warm():
    _local.ready = True
    time.sleep(0)


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    await asyncio.to_thread(_warm)
    queue = CountingQueue()
    queue.put_nowait(len(user_ids))
    await queue.get()
    return list(await asyncio.gather(*(fetch_user(uid) for uid in user_ids)))


if __name__ == "__main__":
    print(asyncio.run(fetch_all_users([1, 2, 3])))
