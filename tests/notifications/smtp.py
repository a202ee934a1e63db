"""A real SMTP server for the tests (aiosmtpd), on a free local port, that
can be stopped and started again (an outage), told to refuse recipients or to
drop the connection on them, and counts the connections it was sent mail on."""

import asyncio
import email
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    # Which of the server's connections it came on (1, 2…).
    connection: int = 0

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, content_type: str) -> str:
        body = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        assert body is not None and body.get_content_type() == content_type, f"no {content_type} part"
        return body.get_content().replace("\r\n", "\n")


@dataclass
class SmtpServer:
    host: str = "127.0.0.1"
    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    # address -> the reply to its RCPT TO, e.g. "550 5.1.1 No such user".
    refuse: dict[str, str] = field(default_factory=dict)
    # Addresses on whose RCPT TO the server drops the connection, unanswered.
    drop: set[str] = field(default_factory=set)
    # Seconds the server takes to accept each message.
    delay: float = 0.0
    # Connections on which a MAIL FROM came (a client that connects and sends nothing is not counted).
    connections: int = 0
    _controller: Controller | None = None

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if not hasattr(session, "number"):
            self.connections += 1
            session.number = self.connections
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.drop:
            server.transport.close()
            return "421 Closing"
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.original_content, policy=default)
        received = Received(envelope.mail_from, list(envelope.rcpt_tos), message, session.number)
        self.received.append(received)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        return [item for item in self.received if address in item.rcpt_tos]
