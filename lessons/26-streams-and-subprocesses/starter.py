import asyncio
from typing import AsyncIterator


async def lines_of(name: str) -> AsyncIterator[str]:
    """The lines of document `name`. A stand-in: the grader replaces it with its own."""
    for number in range(1, 4):
        yield f"{name}, line {number}"


# -- the server --------------------------------------------------------------------


async def handle_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    # TODO: read one request per line until QUIT or the end of the input. Answer
    # `GET <name>` with each line of lines_of(name), then a line with a single ".".
    # Do not get ahead of a slow client, and close the connection at the end.
    pass


async def serve_documents(port: int) -> asyncio.Server:
    # TODO: start the server on 127.0.0.1 with asyncio.start_server, and return it.
    raise NotImplementedError


# -- the client --------------------------------------------------------------------


async def fetch_documents(host: str, port: int, names: list[str]) -> dict[str, list[str]]:
    # TODO: one connection; GET each name and read its lines up to the "." line;
    # then QUIT, and close the connection before returning.
    return {}


# -- the child process ---------------------------------------------------------------


async def run_command(argv: list[str], timeout: float) -> tuple[int, str, str]:
    # TODO: run argv with asyncio.create_subprocess_exec, read stdout and stderr at the
    # same time, and after `timeout` seconds kill it, wait for it, and raise TimeoutError.
    raise NotImplementedError


async def main() -> None:
    import sys

    server = await serve_documents(0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        print(await fetch_documents("127.0.0.1", port, ["notes", "todo"]))
    print(await run_command([sys.executable, "-c", "import sys; print('out'); print('err', file=sys.stderr)"], 5))


if __name__ == "__main__":
    asyncio.run(main())
