"""Astrolabe's warm start: a root process that has imported the notebook server's modules once and forks a child per
server, so a server skips its imports (most of its start-up). Started by the hub with the interpreter of the server's
program; exits when the hub that started it goes away (servers already forked keep running).

    python3 forkserver.py SOCKET MODULE[,MODULE...]

One request per connection on the Unix socket (only root can reach it), a JSON line:
  {"program", "argv", "env", "cwd", "log", "cgroups": [paths], "namespaces": holder pid or null,
   "uid", "gid", "rlimit_as": bytes or null}
and one JSON line back: {"pid": N} once the child has joined its control groups and sandbox and dropped to the
user's account, or {"error": "..."} when any of that failed (the child is gone then).

The child does what the exec'd chain (sh, setsid, bwrap, prlimit, setpriv) does: output appended to the log, the
control groups joined, a new session, the sandbox's mount/IPC/UTS namespaces joined (a bubblewrap process the hub
started with the same arguments holds them), the address-space limit, the user's groups and ids, no new privileges,
then the program run as __main__ by this interpreter."""
import ctypes, gc, json, os, pwd, random, resource, runpy, select, signal, site, socket, sys, traceback

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
PR_SET_NO_NEW_PRIVS = 38
PR_SET_MM, PR_SET_MM_ARG_START, PR_SET_MM_ARG_END, PR_SET_MM_ENV_START, PR_SET_MM_ENV_END = 35, 8, 9, 10, 11
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
_shown = []  # the buffers /proc shows as the command line and environment; they must live as long as the process


def show_as(argv, env):
    """Makes /proc/PID/cmdline and /proc/PID/environ (ps, top, monitoring) show the server's program, arguments and
    environment, as for an exec'd server, instead of this fork server's. Needs CAP_SYS_RESOURCE, so it is done before
    the privileges are dropped; where the kernel refuses, the process just keeps the fork server's."""
    for start, end, items in ((PR_SET_MM_ARG_START, PR_SET_MM_ARG_END, argv),
                              (PR_SET_MM_ENV_START, PR_SET_MM_ENV_END, [f"{k}={v}" for k, v in env.items()])):
        data = b"".join(item.encode() + b"\0" for item in items)
        buffer = ctypes.create_string_buffer(data, len(data))
        _shown.append(buffer)
        address = ctypes.addressof(buffer)
        # The new area lies below the old one (heap under stack): move the start first, then the end.
        if libc.prctl(PR_SET_MM, start, address, 0, 0) != 0 or libc.prctl(PR_SET_MM, end, address + len(data), 0, 0) != 0:
            return False
    return True


def check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def capabilities():
    caps = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("CapInh", "CapPrm", "CapEff", "CapAmb")):
                name, value = line.split(":")
                caps[name] = int(value, 16)
    return caps


def become(request, report):
    """In the forked child: everything up to running the program. Raises on any failure."""
    null = os.open(os.devnull, os.O_RDONLY)
    log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(null)
    os.close(log)
    for procs in request["cgroups"]:
        with open(procs, "w") as f:
            f.write(str(os.getpid()))
    os.setsid()
    holder = request.get("namespaces")
    if holder:
        for kind, flag in (("ipc", CLONE_NEWIPC), ("uts", CLONE_NEWUTS), ("mnt", CLONE_NEWNS)):
            fd = os.open(f"/proc/{holder}/ns/{kind}", os.O_RDONLY)
            try:
                check(libc.setns(fd, flag), f"joining the sandbox's {kind} namespace")
            finally:
                os.close(fd)
    os.chdir(request["cwd"])
    show_as([request["program"]] + request["argv"], request["env"])
    if request.get("rlimit_as"):
        resource.setrlimit(resource.RLIMIT_AS, (request["rlimit_as"], request["rlimit_as"]))
    uid, gid = request["uid"], request["gid"]
    if uid is not None:
        name = pwd.getpwuid(uid).pw_name
        os.setgroups(os.getgrouplist(name, gid))
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
        left = {k: v for k, v in capabilities().items() if v}
        if left or os.getuid() != uid or os.geteuid() != uid or os.getgid() != gid:
            raise RuntimeError(f"privileges not dropped: capabilities {left}, uid {os.getuid()}/{os.geteuid()}")
    check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "setting no_new_privs")
    # Signal dispositions as a freshly started Python has them (SIGPIPE and SIGXFSZ ignored, so a write to a closed
    # socket raises instead of killing the server; SIGINT raises KeyboardInterrupt), whatever this process had.
    for s in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(s, signal.SIG_DFL)
    for s in (signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(s, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.closerange(3, report)
    os.closerange(report + 1, 65536)
    os.environ.clear()
    os.environ.update(request["env"])
    random.seed()
    # The user's own site-packages (pip install --user), as an exec'd Python run as the user would have them.
    if "PYTHONNOUSERSITE" not in os.environ:
        site.ENABLE_USER_SITE, site.USER_BASE, site.USER_SITE = True, None, None
        if os.path.isdir(site.getusersitepackages()):
            site.addsitedir(site.getusersitepackages())
    sys.argv = [request["program"]] + request["argv"]
    # As for `python3 PROGRAM`: the program's folder first on the module path, instead of this script's.
    sys.path[0] = os.path.dirname(os.path.abspath(request["program"]))


def child(request, report):
    code = 1
    try:
        try:
            become(request, report)
        except BaseException as e:
            os.write(report, ("error: " + (str(e) or type(e).__name__)).encode()[:4000])
            os._exit(97)
        os.write(report, b"ok")
        os.close(report)
        gc.enable()  # off in the fork server (see main), on in every server as in any Python
        try:
            runpy.run_path(request["program"], run_name="__main__")
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except BaseException:
            traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(connection):
    data = b""
    while not data.endswith(b"\n") and len(data) < 1 << 20:
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    request = json.loads(data)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        connection.close()
        os.close(read)
        child(request, write)
    os.close(write)
    answer = b""
    while True:
        if not select.select([read], [], [], 30)[0]:
            os.kill(pid, signal.SIGKILL)
            answer = b"error: the server process took more than 30 s to set up"
            break
        chunk = os.read(read, 4096)
        if not chunk:
            break
        answer += chunk
    os.close(read)
    if answer == b"ok":
        reply = {"pid": pid}
    else:
        reply = {"error": answer.decode(errors="replace").removeprefix("error: ") or "the server process ended while it was being set up"}
    connection.sendall((json.dumps(reply) + "\n").encode())


def main():
    gc.disable()
    path, modules = sys.argv[1], sys.argv[2]
    parent = os.getppid()
    missing = []
    for module in filter(None, modules.split(",")):
        try:
            __import__(module)
        except Exception as e:
            missing.append(f"{module} ({type(e).__name__}: {e})")
    # What is imported now lives as long as any server: put it out of the collector's reach, so a child's collections
    # do not write to those objects (their headers) and copy the memory pages it shares with this process. The
    # collector was off during the imports, so they left no freed holes between objects for a child to fill.
    gc.freeze()
    if os.path.exists(path):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    os.umask(0o077)
    listener.bind(path)
    listener.listen(64)
    listener.settimeout(1.0)
    print("ready" + ("; not imported: " + "; ".join(missing) if missing else ""), flush=True)
    while os.getppid() == parent:
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass
        try:
            connection, _ = listener.accept()
        except socket.timeout:
            continue
        with connection:
            connection.settimeout(30)
            try:
                serve(connection)
            except Exception as e:
                try:
                    connection.sendall((json.dumps({"error": f"warm start failed: {e}"}) + "\n").encode())
                except OSError:
                    pass
    listener.close()
    try:
        os.unlink(path)
    except OSError:
        pass


if __name__ == "__main__":
    main()
