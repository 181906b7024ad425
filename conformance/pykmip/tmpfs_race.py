"""Many servers' databases placed on the tmpfs at once, as parallel tests start their servers:
each start's sweep must spare every database whose server is still there. Loads the harness
(kmip-test-server) as a module and drives its make_data / remove_data from 8 threads on a
private tmpfs directory; no server is started. Exit status 1 when a live database was swept
away or a start raised (both happened before the owner file was written whole: 21 and 58 in
2,400 starts)."""
import importlib.machinery
import importlib.util
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
loader = importlib.machinery.SourceFileLoader("harness", str(HERE / "kmip-test-server"))
spec = importlib.util.spec_from_loader("harness", loader)
harness = importlib.util.module_from_spec(spec)
loader.exec_module(harness)

THREADS, STARTS = 8, 150
ram = Path(tempfile.mkdtemp(prefix="kmipkit-race-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
dirs = Path(tempfile.mkdtemp(prefix="kmipkit-race-dirs-"))
os.environ["KMIPKIT_PYKMIP_TMPFS"] = str(ram)
lost, raised = [], []


def starts(worker):
    for i in range(STARTS):
        d = dirs / f"{worker}-{i}"
        d.mkdir()
        try:
            harness.make_data(d)
            if not (d / "data").resolve().is_dir():
                lost.append(d.name)
            harness.remove_data(d)
        except Exception as e:  # noqa: BLE001 - every failure of a start counts
            raised.append(f"{d.name}: {e!r}")


try:
    threads = [threading.Thread(target=starts, args=(w,)) for w in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
finally:
    shutil.rmtree(ram, ignore_errors=True)
    shutil.rmtree(dirs, ignore_errors=True)
print(f"{THREADS * STARTS} concurrent placements: {len(lost)} swept away while live, "
      f"{len(raised)} raised{': ' + raised[0] if raised else ''}")
sys.exit(1 if lost or raised else 0)
