"""What wrapping costs jupyterhub-singleuser's start: the server started by hand as a Unix account (setpriv) until its
first HTTP answer, plain, inside the bubblewrap sandbox our hub uses, inside a memory control group, both, and plain
with SETUPTOOLS_USE_DISTUTILS=stdlib (the standard library's distutils instead of setuptools' copy), and "forked":
forked from this process, which imported the server's modules beforehand, then dropping to the account (no sandbox,
no exec: what a fork server that keeps the imports warm could give), interleaved (one of each per round) so the other load on a shared machine falls on all alike. The server's start-up
call to the hub API goes to a stub in this process that answers it as a hub would ({"version": "3.0.0"}): no hub runs.
    /usr/bin/python3 bench/jupyterhub/floor_variants.py [rounds=8] [account=hubbench9] [variants=plain,sandbox,...]   (as root)"""
import http.server, os, shutil, socket, statistics, subprocess, sys, tempfile, threading, time, pwd

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 8
account = sys.argv[2] if len(sys.argv) > 2 else "hubbench9"
pw = pwd.getpwnam(account)

class Hub(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-JupyterHub-Version", "3.0.0")
        self.end_headers()
        self.wfile.write(b'{"version": "3.0.0"}')
    do_POST = do_GET
    def log_message(self, *args): pass

stub = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hub)
threading.Thread(target=stub.serve_forever, daemon=True).start()
api = f"http://127.0.0.1:{stub.server_address[1]}/hub/api"

work = tempfile.mkdtemp(prefix="floorvar.")
os.chmod(work, 0o711)
home = os.path.join(work, "home")
os.mkdir(home, 0o700)
os.chown(home, pw.pw_uid, pw.pw_gid)

# A memory control group like the hub's (cgroup v1 or v2), below this process's own group.
def make_cgroup():
    own = dict((l.split(":", 2)[1], l.split(":", 2)[2].strip()) for l in open("/proc/self/cgroup"))
    if os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
        base, limit = "/sys/fs/cgroup" + own.get("", "/"), "memory.max"
    else:
        base, limit = "/sys/fs/cgroup/memory" + own.get("memory", "/"), "memory.limit_in_bytes"
    path = os.path.join(base.rstrip("/"), "floorvar-" + str(os.getpid()))
    os.mkdir(path)
    with open(os.path.join(path, limit), "w") as f: f.write(str(4096 * 1024 * 1024))
    return path
cgroup = make_cgroup()

def bwrap_args():
    args = ["/usr/bin/bwrap", "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for link in ["bin", "sbin", "lib", "lib64", "lib32"]:
        p = "/" + link
        if os.path.islink(p): args += ["--symlink", os.readlink(p), p]
        elif os.path.isdir(p): args += ["--ro-bind", p, p]
    args += ["--ro-bind-try", "/var/cache/fontconfig", "/var/cache/fontconfig", "--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--tmpfs", "/tmp", "--tmpfs", "/run", "--perms", "1777", "--tmpfs", "/var/tmp"]
    parts = [p for p in home.split("/")[1:-1]]
    for i in range(len(parts)):
        args += ["--perms", "0711", "--dir", "/" + "/".join(parts[: i + 1])]
    args += ["--bind", home, home, "--unshare-ipc", "--unshare-uts", "--hostname", "astrolabe", "--chdir", home, "--"]
    return args

def start(variant):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    cmd = ["/usr/bin/setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups", "--inh-caps=-all", "--no-new-privs", "--",
           "/usr/bin/jupyterhub-singleuser", "--ip=127.0.0.1", f"--port={port}"]
    if "sandbox" in variant: cmd = bwrap_args() + cmd
    cmd = ["/usr/bin/setsid"] + cmd
    if "cgroup" in variant: cmd = ["/bin/sh", "-c", f'echo $$ > {cgroup}/cgroup.procs && exec "$@"', "sh"] + cmd
    env = {"JUPYTERHUB_API_TOKEN": os.urandom(16).hex(), "JUPYTERHUB_CLIENT_ID": "jupyterhub-user-floor", "JUPYTERHUB_API_URL": api,
           "JUPYTERHUB_ACTIVITY_URL": api + "/users/floor/activity", "JUPYTERHUB_SERVICE_PREFIX": "/user/floor/", "JUPYTERHUB_USER": "floor",
           "JUPYTERHUB_SERVER_NAME": "", "JUPYTERHUB_OAUTH_CALLBACK_URL": "/user/floor/oauth_callback", "JUPYTERHUB_OAUTH_SCOPES": "[]",
           "JUPYTERHUB_OAUTH_ACCESS_SCOPES": "[]", "JUPYTERHUB_BASE_URL": "/", "JUPYTERHUB_HOST": "", "JUPYTERHUB_DEFAULT_URL": "/tree",
           "HOME": home, "USER": account, "SHELL": "/bin/bash", "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    if "stdlib-distutils" in variant: env["SETUPTOOLS_USE_DISTUTILS"] = "stdlib"
    t = time.perf_counter()
    if variant == "forked":
        p = Forked(port, env)
    else:
        p = subprocess.Popen(cmd, env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if p.poll() is not None: raise RuntimeError(f"{variant}: the server exited ({p.returncode})")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
                    c.sendall(b"GET /user/floor/api HTTP/1.0\r\n\r\n")
                    if c.recv(12).startswith(b"HTTP/"): break
            except OSError:
                time.sleep(0.005)
        return (time.perf_counter() - t) * 1000
    finally:
        try: os.killpg(p.pid, 2)
        except ProcessLookupError: pass
        try: p.wait(10)
        except subprocess.TimeoutExpired: os.killpg(p.pid, 9); p.wait()

class Forked:
    """The server as a child of this process: setsid, drop to the account, then the server's main() in the child."""
    def __init__(self, port, env):
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.setsid()
                os.initgroups(account, pw.pw_gid); os.setgid(pw.pw_gid); os.setuid(pw.pw_uid)
                os.chdir(home)
                os.environ.clear(); os.environ.update(env)
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2): os.dup2(null, fd)
                sys.argv = ["/usr/bin/jupyterhub-singleuser", "--ip=127.0.0.1", f"--port={port}"]
                from jupyterhub.singleuser import main
                main()
            finally:
                os._exit(1)
        self.returncode = None
    def poll(self):
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid: self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode
    def wait(self, timeout=None):
        deadline = time.monotonic() + (timeout or 1e9)
        while self.poll() is None:
            if time.monotonic() > deadline: raise subprocess.TimeoutExpired("forked", timeout)
            time.sleep(0.01)
        return self.returncode

variants = sys.argv[3].split(",") if len(sys.argv) > 3 else ["plain", "sandbox", "cgroup", "sandbox+cgroup", "plain+stdlib-distutils"]
times = {v: [] for v in variants}
if "forked" in variants:
    # What the fork server would hold: the server's modules, imported once (what the server imports while it sets
    # up, such as its extensions, still happens in each child).
    os.environ["SETUPTOOLS_USE_DISTUTILS"] = "stdlib"
    import jupyterhub.singleuser.app, jupyter_server.serverapp  # noqa: E401,F401
try:
    for v in variants: start(v)  # warm-up
    for r in range(rounds):
        for v in (variants if r % 2 == 0 else variants[::-1]):
            times[v].append(start(v))
finally:
    time.sleep(0.5)
    try: os.rmdir(cgroup)
    except OSError as e: print("could not remove", cgroup, e)
    shutil.rmtree(work, ignore_errors=True)
base = statistics.median(times[variants[0]])
print(f"jupyterhub-singleuser started by hand until its first HTTP answer, {rounds} rounds, load {open('/proc/loadavg').read().strip()}")
for v in variants:
    m = statistics.median(times[v])
    print(f"  {v:16s} median {m:6.0f} ms  (min {min(times[v]):5.0f}, max {max(times[v]):5.0f})  ratio to {variants[0]} {m / base:.2f}")
