"""A class for the server, a connection object for the client, a TaskGroup reading each pipe."""
import asyncio
from typing import AsyncIterator

BATCH = 100  # lines written between two waits on drain()


async def lines_of(name: str) -> AsyncIterator[str]:
    yield f"the document {name}"


class DocumentServer:
    async def start(self, port: int) -> asyncio.Server:
        return await asyncio.start_server(self.serve_client, "127.0.0.1", port)

    async def serve_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                raw = await reader.readline()
                if not raw or raw == b"QUIT\n":
                    return
                verb, _, name = raw.decode().removesuffix("\n").partition(" ")
                if verb == "GET":
                    await self.send_document(writer, name)
        finally:
            writer.close()
            await writer.wait_closed()

    async def send_document(self, writer: asyncio.StreamWriter, name: str) -> None:
        batch: list[bytes] = []
        async for line in lines_of(name):
            batch.append(line.encode() + b"\n")
            if len(batch) == BATCH:
                writer.write(b"".join(batch))
                batch.clear()
                await writer.drain()
        batch.append(b".\n")
        writer.write(b"".join(batch))
        await writer.drain()


async def serve_documents(port: int) -> asyncio.Server:
    return await DocumentServer().start(port)


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def request(self, line: str) -> None:
        self.writer.write(line.encode() + b"\n")
        await self.writer.drain()

    async def document(self) -> list[str]:
        lines = []
        while True:
            line = (await self.reader.readline()).decode()
            if line in (".\n", ""):
                return lines
            lines.append(line[:-1])

    async def close(self) -> None:
        await self.request("QUIT")
        self.writer.close()
        await self.writer.wait_closed()


async def fetch_documents(host: str, port: int, names: list[str]) -> dict[str, list[str]]:
    connection = Connection(*await asyncio.open_connection(host, port))
    try:
        documents = {}
        for name in names:
            await connection.request(f"GET {name}")
            documents[name] = await connection.document()
        return documents
    finally:
        await connection.close()


async def run_command(argv: list[str], timeout: float) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        async with asyncio.timeout(timeout):
            async with asyncio.TaskGroup() as group:
                out = group.create_task(proc.stdout.read())
                err = group.create_task(proc.stderr.read())
                code = group.create_task(proc.wait())
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    return code.result(), out.result().decode(), err.result().decode()
