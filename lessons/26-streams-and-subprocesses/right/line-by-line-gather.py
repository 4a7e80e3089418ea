"""Pipes read line by line by two gathered coroutines; terminate() on the timeout."""
import asyncio
import contextlib
from typing import AsyncIterator

END = b".\n"


async def lines_of(name: str) -> AsyncIterator[str]:
    for word in ("alpha", "beta"):
        yield f"{word} of {name}"


async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while (request := await reader.readline()) not in (b"", b"QUIT\n"):
            command, _, name = request.rstrip(b"\n").partition(b" ")
            if command != b"GET":
                continue
            async for line in lines_of(name.decode()):
                writer.write(line.encode() + b"\n")
                if writer.transport.get_write_buffer_size() > 32_768:
                    await writer.drain()
            writer.write(END)
            await writer.drain()
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()


async def serve_documents(port: int) -> asyncio.Server:
    return await asyncio.start_server(answer, "127.0.0.1", port)


async def read_document(reader: asyncio.StreamReader) -> list[str]:
    lines = []
    while (line := await reader.readline()) != END:
        if not line:
            raise ConnectionError("the server hung up in the middle of a document")
        lines.append(line.decode().rstrip("\n"))
    return lines


async def fetch_documents(host: str, port: int, names: list[str]) -> dict[str, list[str]]:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        fetched = {}
        for name in names:
            writer.write(b"GET " + name.encode() + b"\n")
            fetched[name] = await read_document(reader)
        writer.write(b"QUIT\n")
        await writer.drain()
        return fetched
    finally:
        writer.close()
        await writer.wait_closed()


async def collect(stream: asyncio.StreamReader) -> str:
    return "".join([line.decode() async for line in stream])


async def run_command(argv: list[str], timeout: float) -> tuple[int, str, str]:
    child = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        async with asyncio.timeout(timeout):
            out, err, code = await asyncio.gather(collect(child.stdout), collect(child.stderr), child.wait())
    except TimeoutError:
        child.terminate()
        await child.wait()
        raise
    return code, out, err
