"""A real SMTP server for the mail tests: aiosmtpd (Debian's python3-aiosmtpd) on a loopback port.

usage: aiosmtpd_server.py PORT DIR MODE CERT KEY USER PASSWORD REFUSED
  MODE     starttls (STARTTLS required, AUTH only after it), smtps (TLS from the first byte) or plain
  REFUSED  a recipient answered with 550 (the others are taken)
Each message is written to DIR as N.eml (the content as received) beside N.env (MAIL FROM, then each RCPT TO).
Prints "ready" once it listens; runs until its stdin closes.
"""
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, folder, mode, cert, key, user, password, refused = sys.argv[1:9]


class Store:
    count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == refused:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        Store.count += 1
        base = os.path.join(folder, str(Store.count))
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".env", "w") as f:
            f.write("\n".join([envelope.mail_from] + envelope.rcpt_tos) + "\n")
        os.rename(base + ".tmp", base + ".eml")
        return "250 OK stored"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() \
        and auth_data.password == password.encode()
    return AuthResult(success=ok, handled=False)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
# aiosmtpd counts only STARTTLS as TLS for auth_require_tls; SMTPS is TLS from the first byte anyway
options = dict(authenticator=authenticate, auth_require_tls=mode == "starttls")
if mode == "starttls":
    options.update(tls_context=context, require_starttls=True)
controller = Controller(Store(), hostname="127.0.0.1", port=int(port),
                        ssl_context=context if mode == "smtps" else None, **options)
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
