"""Iterating the stream line by line, `readuntil` in the client, `wait_for` around communicate()."""
import asyncio
from typing import AsyncIterator


async def lines_of(name: str) -> AsyncIterator[str]:
    for number in range(3):
        yield f"{name} #{number}"


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    async for raw in reader:  # one line per iteration, until the client's input ends
        request = raw.decode().strip("\n")
        if request == "QUIT":
            break
        if request.startswith("GET "):
            async for line in lines_of(request[4:]):
                writer.write(f"{line}\n".encode())
                await writer.drain()
            writer.write(b".\n")
            await writer.drain()
    writer.close()
    await writer.wait_closed()


async def serve_documents(port: int) -> asyncio.Server:
    server = await asyncio.start_server(handle, host="127.0.0.1", port=port)
    return server


async def fetch_documents(host: str, port: int, names: list[str]) -> dict[str, list[str]]:
    reader, writer = await asyncio.open_connection(host, port)
    result = {}
    for name in names:
        writer.write(f"GET {name}\n".encode())
        await writer.drain()
        first = await reader.readuntil(b"\n")
        if first == b".\n":
            result[name] = []
            continue
        body = first + await reader.readuntil(b"\n.\n")
        result[name] = body.decode()[: -len("\n.\n")].split("\n")
    writer.write(b"QUIT\n")
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    return result


async def run_command(argv: list[str], timeout: float) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(argv[0], *argv[1:], stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=timeout)
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()
        raise
    return process.returncode, stdout.decode("utf-8"), stderr.decode("utf-8")
