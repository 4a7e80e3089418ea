# expect: fail behaviour
# The server only closes at the end of the client's input: after QUIT it keeps waiting for more.
import asyncio
from typing import AsyncIterator

END = "."  # the line that ends a document


async def lines_of(name: str) -> AsyncIterator[str]:
    """The lines of document `name`. A stand-in: the grader replaces it with its own."""
    for number in range(1, 4):
        yield f"{name}, line {number}"


# -- the server --------------------------------------------------------------------


async def handle_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while line := await reader.readline():
            command, _, name = line.decode().rstrip("\n").partition(" ")
            if command == "GET":
                async for text in lines_of(name):
                    writer.write(text.encode() + b"\n")
                    await writer.drain()  # wait while the client is slower than we are
                writer.write(END.encode() + b"\n")
                await writer.drain()
    finally:
        writer.close()
        await writer.wait_closed()


async def serve_documents(port: int) -> asyncio.Server:
    return await asyncio.start_server(handle_client, "127.0.0.1", port)


# -- the client --------------------------------------------------------------------


async def fetch_documents(host: str, port: int, names: list[str]) -> dict[str, list[str]]:
    reader, writer = await asyncio.open_connection(host, port)
    documents: dict[str, list[str]] = {}
    try:
        for name in names:
            writer.write(f"GET {name}\n".encode())
            await writer.drain()
            lines = []
            while (line := (await reader.readline()).decode().rstrip("\n")) != END:
                lines.append(line)
            documents[name] = lines
        writer.write(b"QUIT\n")
        await writer.drain()
    finally:
        writer.close()
        await writer.wait_closed()
    return documents


# -- the child process ---------------------------------------------------------------


async def run_command(argv: list[str], timeout: float) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        async with asyncio.timeout(timeout):
            out, err = await proc.communicate()  # reads both pipes at once, then waits for the exit
    except TimeoutError:
        proc.kill()
        await proc.wait()  # collect its exit status: no zombie left behind
        raise
    return proc.returncode, out.decode(), err.decode()


async def main() -> None:
    import sys

    server = await serve_documents(0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        print(await fetch_documents("127.0.0.1", port, ["notes", "todo"]))
    print(await run_command([sys.executable, "-c", "import sys; print('out'); print('err', file=sys.stderr)"], 5))


if __name__ == "__main__":
    asyncio.run(main())
