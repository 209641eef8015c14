import subprocess, time
from concurrent.futures import ThreadPoolExecutor
import httpx
from tests.reliability import test_bad_input as t
from tests.reliability.badinput import generate


def test_profile(database, world, server):
    with httpx.Client(base_url=server.base_url, timeout=20) as client, httpx.Client(base_url=server.base_url, timeout=20) as bc:
        eps = t.endpoints(database, world, client, bc)
        cases = list(generate(eps, 10000, t.SEED + 1))
        send = t._sender(client, bc, [])
        spy = subprocess.Popen(["/tmp/pyspy/bin/py-spy", "record", "--pid", str(server.proc.pid), "--format", "raw",
                                "-o", f"/tmp/spy_{database.backend}.txt", "--rate", "200", "--nonblocking"])
        time.sleep(1)
        t0 = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(send, cases))
        print("\nTOTAL", database.backend, round(time.perf_counter() - t0, 1))
        spy.send_signal(2); spy.wait(30)
