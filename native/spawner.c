/*
 * tsmf-spawner: the daemon's process spawner and child subreaper (issue 3, docs/methods.md).
 *
 * svc.startd starts one of these and sends it spawn requests on stdin; replies and process deaths
 * come back on stdout as text lines. Why a separate C program:
 *  - clone3(CLONE_INTO_CGROUP) starts a method directly inside its contract's cgroup (no shell
 *    prelude writing cgroup.procs, no migration under cgroup_mutex); CLONE_VFORK returns once the
 *    child has exec'd, so exec failures are reported synchronously through a CLOEXEC pipe;
 *  - a small process forks in microseconds, where libuv forks the whole Node daemon;
 *  - as a child subreaper (PR_SET_CHILD_SUBREAPER) it inherits every orphaned descendant of the
 *    methods (the daemons a start method leaves behind) and so learns how each one died: a member
 *    killed by a signal or dumping core is a contract event (smf-spec 5.1, 5.4), which a cgroup's
 *    "populated 0" alone cannot tell.
 *
 * Requests (little endian): u32 length of the rest, then
 *   SPAWN: u32 op=1, u32 id, u32 flags, i32 uid, i32 gid, u32 ngroups, u32 argc, u32 envc,
 *          i32 groups[ngroups], then NUL-terminated strings: cgroup dir ("" = none), cwd, log
 *          path, file, argv[argc], env[envc].
 *   SYNC:  u32 op=2, u32 id  -> every death that happened before is reported, then "Y id".
 *   WATCH: u32 op=3, u32 key, string path -> inotify IN_MODIFY watch (a cgroup.events file):
 *          "W key wd pop" (wd > 0; pop = "populated" read once the watch is active, so a change
 *          made before it is not missed) or "W key -errno"; then "E key pop" whenever the file
 *          changes (or its watch ends because the file went away); pop = the "populated" value
 *          read right after the change (1, 0; -1 unreadable), so the daemon does not read it.
 *   UNWATCH: u32 op=4, u32 wd.
 *   LOG:   u32 op=5, u32 id, u32 max_bytes, u32 keep, string path, then the bytes to append (the rest
 *          of the frame) -> "L id 0" once they are in the file, "L id errno" when they cannot be.
 *          The restarter's lines of the instance logs: written here, in request order, so a line
 *          sent before a SPAWN precedes the method's own output, and the daemon's event loop never
 *          opens a log file. The file is created 0644 (and its directory 0755) when missing, and
 *          rotated logadm style first when it is larger than max_bytes (0 = never): path.(keep-2)
 *          -> path.(keep-1) ... path -> path.0; keep 0 truncates instead.
 * Replies (one line each):
 *   "S id pid"            spawned (exec succeeded)
 *   "F id stage errno"    not spawned; stage: cgroup, log, cwd, creds, exec, clone
 *   "X id status pop"     the method process exited; status = raw wait status; pop = whether its
 *                         cgroup still has processes then (1, 0; -1 unknown or no cgroup)
 *   "D pid status path"   another descendant died; path = its cgroup v2 path ("" unknown)
 *   "Y id"                answer to SYNC
 *   "L id errno"          answer to LOG (errno 0: written)
 * flags: 1 background (the "cmd &" form: reply "X id 0" right after exec, the process is then a
 * contract member; SIGINT/SIGQUIT ignored as for a shell's asynchronous list), 2 set credentials
 * (uid, gid, groups), 4 new session, 8 search PATH of env for file.
 *
 * Invariants: the spawner never runs a shell itself and never interprets a string; a request it
 * cannot parse ends it (exit 2: the daemon restarts it). It exits when stdin closes; its
 * descendants are not signalled (they are reparented to init and adopted by the next daemon).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

enum { F_BACKGROUND = 1, F_CREDS = 2, F_SETSID = 4, F_PATHSEARCH = 8 };
enum { ST_CGROUP = 1, ST_LOG, ST_CWD, ST_CREDS, ST_EXEC, ST_CLONE };
static const char *stage_names[] = { "?", "cgroup", "log", "cwd", "creds", "exec", "clone" };

/* ---- pid table: method processes (pid -> request id) and failed spawns to reap silently */
struct entry { pid_t pid; uint32_t id; int kind; char *cgroup; };
enum { K_FREE = 0, K_METHOD, K_SILENT };
static struct entry *table;
static size_t table_cap, table_len;

static void table_put(pid_t pid, uint32_t id, int kind, const char *cgroup) {
  char *cg = cgroup && cgroup[0] ? strdup(cgroup) : NULL;
  for (size_t i = 0; i < table_len; i++)
    if (table[i].kind == K_FREE) { table[i] = (struct entry){ pid, id, kind, cg }; return; }
  if (table_len == table_cap) {
    table_cap = table_cap ? table_cap * 2 : 256;
    table = realloc(table, table_cap * sizeof *table);
    if (!table) _exit(3);
  }
  table[table_len++] = (struct entry){ pid, id, kind, cg };
}

static struct entry *table_find(pid_t pid) {
  for (size_t i = 0; i < table_len; i++)
    if (table[i].kind != K_FREE && table[i].pid == pid) return &table[i];
  return NULL;
}

/* ---- output: lines collected in a buffer, written out before waiting for input */
static char out[1 << 16];
static size_t out_len;

static void flush_out(void) {
  size_t off = 0;
  while (off < out_len) {
    ssize_t w = write(1, out + off, out_len - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      _exit(0); /* the daemon is gone */
    }
    off += (size_t)w;
  }
  out_len = 0;
}

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...) {
  if (out_len > sizeof out - 8192) flush_out();
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(out + out_len, sizeof out - out_len, fmt, ap);
  va_end(ap);
  if (n > 0) out_len += (size_t)n < sizeof out - out_len ? (size_t)n : sizeof out - out_len - 1;
}

/* ---- request parsing */
struct request {
  uint32_t id, flags, ngroups, argc, envc;
  int32_t uid, gid;
  gid_t *groups;
  const char *cgroup, *cwd, *log, *file;
  char **argv, **envp;
};

static int take_u32(const char **p, const char *end, uint32_t *v) {
  if (end - *p < 4) return -1;
  memcpy(v, *p, 4);
  *p += 4;
  return 0;
}

static int take_str(const char **p, const char *end, const char **s) {
  const char *z = memchr(*p, 0, (size_t)(end - *p));
  if (!z) return -1;
  *s = *p;
  *p = z + 1;
  return 0;
}

static int parse_spawn(const char *p, const char *end, struct request *r) {
  uint32_t uid, gid;
  if (take_u32(&p, end, &r->id) || take_u32(&p, end, &r->flags) || take_u32(&p, end, &uid) || take_u32(&p, end, &gid) ||
      take_u32(&p, end, &r->ngroups) || take_u32(&p, end, &r->argc) || take_u32(&p, end, &r->envc))
    return -1;
  r->uid = (int32_t)uid;
  r->gid = (int32_t)gid;
  if (r->ngroups > 65536 || r->argc == 0 || r->argc > 1 << 20 || r->envc > 1 << 20) return -1;
  r->groups = calloc(r->ngroups + 1, sizeof(gid_t));
  r->argv = calloc(r->argc + 1, sizeof(char *));
  r->envp = calloc(r->envc + 1, sizeof(char *));
  if (!r->groups || !r->argv || !r->envp) return -1;
  for (uint32_t i = 0; i < r->ngroups; i++) {
    uint32_t g;
    if (take_u32(&p, end, &g)) return -1;
    r->groups[i] = (gid_t)g;
  }
  if (take_str(&p, end, &r->cgroup) || take_str(&p, end, &r->cwd) || take_str(&p, end, &r->log) || take_str(&p, end, &r->file))
    return -1;
  for (uint32_t i = 0; i < r->argc; i++)
    if (take_str(&p, end, (const char **)&r->argv[i])) return -1;
  for (uint32_t i = 0; i < r->envc; i++)
    if (take_str(&p, end, (const char **)&r->envp[i])) return -1;
  return 0;
}

static void free_request(struct request *r) {
  free(r->groups);
  free(r->argv);
  free(r->envp);
}

/* ---- the child, between clone and exec (a copy of this process: no shared memory) */
struct failure { int32_t stage, err; };

static void child_fail(int errpipe, int stage) {
  struct failure f = { stage, errno };
  ssize_t w = write(errpipe, &f, sizeof f);
  (void)w;
  _exit(127);
}

static const char *env_path(char **envp) {
  for (char **e = envp; *e; e++)
    if (strncmp(*e, "PATH=", 5) == 0) return *e + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"; /* dash's default */
}

/* execve, or a script without #! run by /bin/sh as a shell would */
static void exec_one(const char *file, char **argv, char **envp) {
  execve(file, argv, envp);
  if (errno != ENOEXEC) return;
  size_t n = 0;
  while (argv[n]) n++;
  char **sh = calloc(n + 2, sizeof(char *));
  if (!sh) return;
  sh[0] = "/bin/sh";
  sh[1] = (char *)file;
  for (size_t i = 1; i < n; i++) sh[i + 1] = argv[i];
  execve("/bin/sh", sh, envp);
  errno = ENOEXEC;
}

static void exec_search(const struct request *r) {
  if (!(r->flags & F_PATHSEARCH) || strchr(r->file, '/')) {
    exec_one(r->file, r->argv, r->envp);
    return;
  }
  const char *path = env_path(r->envp);
  int seen_eacces = 0;
  char buf[4096];
  for (const char *p = path;; p++) {
    const char *colon = strchrnul(p, ':');
    size_t dl = (size_t)(colon - p);
    if (dl == 0) { buf[0] = '.'; dl = 1; } else if (dl < sizeof buf) memcpy(buf, p, dl);
    if (dl + 1 + strlen(r->file) + 1 <= sizeof buf) {
      buf[dl] = '/';
      strcpy(buf + dl + 1, r->file);
      exec_one(buf, r->argv, r->envp);
      if (errno == EACCES) seen_eacces = 1;
      else if (errno != ENOENT && errno != ENOTDIR) return;
    }
    if (!*colon) break;
    p = colon;
  }
  errno = seen_eacces ? EACCES : ENOENT;
}

static void child(const struct request *r, int errpipe, int joined) {
  if (write(errpipe, "A", 1) != 1) _exit(127); /* "I ran": see spawn() */
  sigset_t all;
  sigemptyset(&all);
  /* exec resets caught signals; of the ignored ones only SIGPIPE is ours (our own parent reset the rest) */
  signal(SIGPIPE, SIG_DFL);
  if (r->flags & F_BACKGROUND) {
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
  }
  sigprocmask(SIG_SETMASK, &all, NULL);
  if (!joined && r->cgroup[0]) {
    char procs[4096];
    snprintf(procs, sizeof procs, "%s/cgroup.procs", r->cgroup);
    int fd = open(procs, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "0", 1) != 1) child_fail(errpipe, ST_CGROUP);
    close(fd);
  }
  if ((r->flags & F_SETSID) && setsid() < 0) child_fail(errpipe, ST_CREDS);
  int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (nul < 0 || dup2(nul, 0) < 0) child_fail(errpipe, ST_LOG);
  if (r->log[0]) {
    int fd = open(r->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) child_fail(errpipe, ST_LOG);
  } else if (dup2(nul, 1) < 0 || dup2(nul, 2) < 0) child_fail(errpipe, ST_LOG);
  if (r->cwd[0] && chdir(r->cwd) < 0) child_fail(errpipe, ST_CWD);
  if (r->flags & F_CREDS) {
    if (setgroups(r->ngroups, r->groups) < 0) child_fail(errpipe, ST_CREDS);
    if (setgid((gid_t)r->gid) < 0 || setuid((uid_t)r->uid) < 0) child_fail(errpipe, ST_CREDS);
  }
  syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
  exec_search(r);
  child_fail(errpipe, ST_EXEC);
}

/* ---- spawning */
static int into_cgroup_works = 1; /* cleared when the kernel refuses CLONE_INTO_CGROUP */
static int errpipe[2];

static pid_t clone_child(int cgfd) {
  struct clone_args a;
  memset(&a, 0, sizeof a);
  a.flags = CLONE_VFORK;
  a.exit_signal = SIGCHLD;
  if (cgfd >= 0) {
    a.flags |= CLONE_INTO_CGROUP;
    a.cgroup = (uint64_t)cgfd;
  }
  return (pid_t)syscall(SYS_clone3, &a, sizeof a);
}

/*
 * Cgroups into which CLONE_INTO_CGROUP children are SIGKILLed at birth. Linux 6.18 (at least)
 * compares the cgroup.kill sequence of the parent's cgroup with the target's: once a group has been
 * killed through cgroup.kill (by anyone), every child cloned into it dies before running. Such a
 * group is joined by writing cgroup.procs instead (from then on, for that path).
 */
static char **tainted;
static size_t tainted_len, tainted_cap;

static int is_tainted(const char *dir) {
  for (size_t i = 0; i < tainted_len; i++)
    if (strcmp(tainted[i], dir) == 0) return 1;
  return 0;
}

static void taint(const char *dir) {
  if (tainted_len == tainted_cap) {
    tainted_cap = tainted_cap ? tainted_cap * 2 : 16;
    tainted = realloc(tainted, tainted_cap * sizeof *tainted);
    if (!tainted) _exit(3);
  }
  tainted[tainted_len] = strdup(dir);
  if (!tainted[tainted_len]) _exit(3);
  tainted_len++;
}

/* clone (into the cgroup when possible); returns the pid, -1 with errno, or -2 = killed at birth */
static pid_t clone_and_check(const struct request *r, int into, struct failure *f, int *failed) {
  int cgfd = -1;
  *failed = 0;
  if (into) {
    cgfd = open(r->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgfd < 0) return -1;
  }
  pid_t pid = clone_child(cgfd);
  if (pid < 0 && cgfd >= 0 && (errno == ENOSYS || errno == E2BIG || errno == EINVAL)) {
    into_cgroup_works = 0; /* older kernel: the child joins by writing cgroup.procs */
    close(cgfd);
    cgfd = -1;
    pid = clone_child(-1);
  }
  if (pid < 0 && errno == ENOSYS) /* no clone3 (Linux < 5.3): fork that waits for the exec, like vfork */
    pid = (pid_t)syscall(SYS_clone, CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0) child(r, errpipe[1], cgfd >= 0);
  int saved = errno;
  if (cgfd >= 0) close(cgfd);
  if (pid < 0) {
    errno = saved;
    return -1;
  }
  /* CLONE_VFORK: the child has exec'd or exited by now; what it wrote tells which */
  char buf[1 + sizeof *f];
  ssize_t n = read(errpipe[0], buf, sizeof buf);
  if (n <= 0) {
    table_put(pid, r->id, K_SILENT, NULL);
    return -2;
  }
  if (n == (ssize_t)sizeof buf) {
    memcpy(f, buf + 1, sizeof *f);
    *failed = 1;
  }
  return pid;
}

/* "populated" of a cgroup.events file (dir + suffix): 1, 0, or -1 when it cannot be read */
static int populated_in(const char *dir, const char *suffix) {
  char path[4200], buf[256];
  snprintf(path, sizeof path, "%s%s", dir, suffix);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  const char *p = strstr(buf, "populated ");
  return p ? p[10] == '1' : -1;
}

static void spawn(const struct request *r) {
  struct failure f;
  int failed;
  int into = r->cgroup[0] && into_cgroup_works && !is_tainted(r->cgroup);
  pid_t pid = clone_and_check(r, into, &f, &failed);
  if (pid == -2 && into) {
    taint(r->cgroup);
    pid = clone_and_check(r, 0, &f, &failed);
  }
  if (pid == -2) {
    emit("F %u clone %d\n", r->id, EINTR);
    return;
  }
  if (pid < 0) {
    emit("F %u %s %d\n", r->id, into ? "cgroup" : "clone", errno);
    return;
  }
  if (failed) {
    table_put(pid, r->id, K_SILENT, NULL);
    emit("F %u %s %d\n", r->id, stage_names[f.stage > 0 && f.stage <= ST_CLONE ? f.stage : 0], f.err);
    return;
  }
  emit("S %u %d\n", r->id, pid);
  /* "cmd &": the service process is a contract member now */
  if (r->flags & F_BACKGROUND) emit("X %u 0 %d\n", r->id, r->cgroup[0] ? populated_in(r->cgroup, "/cgroup.events") : -1);
  else table_put(pid, r->id, K_METHOD, r->cgroup);
}

/* ---- reaping */
static void cgroup_of(pid_t pid, char *buf, size_t len) {
  char p[64];
  buf[0] = 0;
  snprintf(p, sizeof p, "/proc/%d/cgroup", pid);
  FILE *f = fopen(p, "re");
  if (!f) return;
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "0::", 3) != 0) continue;
    line[strcspn(line, "\n")] = 0;
    snprintf(buf, len, "%s", line + 3);
    break;
  }
  fclose(f);
}

static int wait_status(const siginfo_t *si) {
  switch (si->si_code) {
    case CLD_EXITED: return (si->si_status & 0xff) << 8;
    case CLD_KILLED: return si->si_status & 0x7f;
    case CLD_DUMPED: return (si->si_status & 0x7f) | 0x80;
    default: return 0;
  }
}

static void reap(void) {
  for (;;) {
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0) return;
    pid_t pid = si.si_pid;
    int status = wait_status(&si);
    struct entry *e = table_find(pid);
    if (e && e->kind == K_METHOD) emit("X %u %d %d\n", e->id, status, e->cgroup ? populated_in(e->cgroup, "/cgroup.events") : -1);
    else if (!e) {
      char cg[4096];
      cgroup_of(pid, cg, sizeof cg); /* a zombie still names its cgroup */
      emit("D %d %d %s\n", pid, status, cg);
    }
    if (e) {
      e->kind = K_FREE;
      free(e->cgroup);
      e->cgroup = NULL;
    }
    while (waitpid(pid, NULL, WNOHANG) < 0 && errno == EINTR) {}
  }
}

/* ---- file watches: one inotify descriptor for every contract's cgroup.events */
static int ino_fd = -1;
static uint32_t *wd_keys; /* wd -> key + 1 (0: none) */
static char **wd_paths;   /* wd -> the watched file */
static size_t wd_cap;

static void watch_add(uint32_t key, const char *path) {
  if (ino_fd < 0) ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  int wd = ino_fd < 0 ? -1 : inotify_add_watch(ino_fd, path, IN_MODIFY);
  if (wd < 0) {
    emit("W %u %d\n", key, -errno);
    return;
  }
  if ((size_t)wd >= wd_cap) {
    size_t cap = wd_cap ? wd_cap : 1024;
    while (cap <= (size_t)wd) cap *= 2;
    wd_keys = realloc(wd_keys, cap * sizeof *wd_keys);
    wd_paths = realloc(wd_paths, cap * sizeof *wd_paths);
    if (!wd_keys || !wd_paths) _exit(3);
    memset(wd_keys + wd_cap, 0, (cap - wd_cap) * sizeof *wd_keys);
    memset(wd_paths + wd_cap, 0, (cap - wd_cap) * sizeof *wd_paths);
    wd_cap = cap;
  }
  wd_keys[wd] = key + 1;
  free(wd_paths[wd]);
  wd_paths[wd] = strdup(path);
  /* the value once the watch is active: a change before it raised no event */
  emit("W %u %d %d\n", key, wd, populated_in(path, ""));
}

static void watch_remove(uint32_t wd) {
  if (wd < wd_cap && wd_keys[wd]) {
    wd_keys[wd] = 0;
    inotify_rm_watch(ino_fd, (int)wd);
  }
}

static void watch_events(void) {
  char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
  for (;;) {
    ssize_t n = read(ino_fd, buf, sizeof buf);
    if (n <= 0) return;
    for (char *p = buf; p < buf + n;) {
      struct inotify_event *ev = (struct inotify_event *)p;
      if (ev->wd >= 0 && (size_t)ev->wd < wd_cap && wd_keys[ev->wd]) {
        emit("E %u %d\n", wd_keys[ev->wd] - 1, wd_paths[ev->wd] ? populated_in(wd_paths[ev->wd], "") : -1);
        if (ev->mask & IN_IGNORED) wd_keys[ev->wd] = 0;
      }
      p += sizeof *ev + ev->len;
    }
  }
}

/* ---- main loop */
/* ---- LOG: append the restarter's lines to an instance log (rotating it first when too large) */
static int mkdir_parents(const char *path) {
  char dir[4096];
  size_t n = strlen(path);
  if (n >= sizeof dir) return ENAMETOOLONG;
  memcpy(dir, path, n + 1);
  for (char *s = dir + 1; *s; s++) {
    if (*s != '/') continue;
    *s = 0;
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) return errno;
    *s = '/';
  }
  return 0;
}

static int open_log(const char *path) {
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ENOENT) {
    int e = mkdir_parents(path);
    if (e) { errno = e; return -1; }
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  }
  return fd;
}

static void rotate_log(const char *path, uint32_t keep) {
  if (keep == 0) { (void)truncate(path, 0); return; }
  char from[4200], to[4200];
  for (uint32_t i = keep; i-- > 0;) {
    if (i == 0) snprintf(from, sizeof from, "%s", path);
    else snprintf(from, sizeof from, "%s.%u", path, i - 1);
    snprintf(to, sizeof to, "%s.%u", path, i);
    (void)rename(from, to); /* a missing generation is skipped */
  }
}

static int append_log(const char *path, uint32_t max_bytes, uint32_t keep, const char *data, size_t len) {
  int fd = open_log(path);
  if (fd < 0) return errno;
  struct stat st;
  if (max_bytes > 0 && fstat(fd, &st) == 0 && st.st_size > (off_t)max_bytes) {
    close(fd);
    rotate_log(path, keep);
    fd = open_log(path);
    if (fd < 0) return errno;
  }
  int err = 0;
  while (len > 0) {
    ssize_t w = write(fd, data, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    data += w;
    len -= (size_t)w;
  }
  close(fd);
  return err;
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) fprintf(stderr, "tsmf-spawner: PR_SET_CHILD_SUBREAPER: %s\n", strerror(errno));
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0 || pipe2(errpipe, O_CLOEXEC) < 0 || fcntl(errpipe[0], F_SETFL, O_NONBLOCK) < 0) {
    perror("tsmf-spawner");
    return 1;
  }
  size_t cap = 1 << 16, len = 0;
  char *in = malloc(cap);
  if (!in) return 3;
  for (;;) {
    flush_out();
    struct pollfd fds[3] = { { 0, POLLIN, 0 }, { sfd, POLLIN, 0 }, { ino_fd, POLLIN, 0 } };
    if (poll(fds, ino_fd >= 0 ? 3 : 2, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (fds[1].revents) {
      struct signalfd_siginfo ssi;
      while (read(sfd, &ssi, sizeof ssi) > 0) {}
      reap();
    }
    if (ino_fd >= 0 && fds[2].revents) watch_events();
    if (!fds[0].revents) continue;
    if (len == cap) {
      cap *= 2;
      in = realloc(in, cap);
      if (!in) return 3;
    }
    ssize_t n = read(0, in + len, cap - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      reap();
      flush_out();
      return 0; /* the daemon closed our stdin */
    }
    len += (size_t)n;
    size_t off = 0;
    while (len - off >= 4) {
      uint32_t flen;
      memcpy(&flen, in + off, 4);
      if (flen > 64u << 20) return 2;
      if (len - off - 4 < flen) break;
      const char *p = in + off + 4, *end = p + flen;
      uint32_t op;
      if (take_u32(&p, end, &op)) return 2;
      if (op == 1) {
        struct request r;
        memset(&r, 0, sizeof r);
        if (parse_spawn(p, end, &r)) return 2;
        spawn(&r);
        free_request(&r);
      } else if (op == 2) {
        uint32_t id;
        if (take_u32(&p, end, &id)) return 2;
        reap();
        emit("Y %u\n", id);
      } else if (op == 3) {
        uint32_t key;
        const char *path;
        if (take_u32(&p, end, &key) || take_str(&p, end, &path)) return 2;
        watch_add(key, path);
      } else if (op == 4) {
        uint32_t wd;
        if (take_u32(&p, end, &wd)) return 2;
        watch_remove(wd);
      } else if (op == 5) {
        uint32_t id, max_bytes, keep;
        const char *path;
        if (take_u32(&p, end, &id) || take_u32(&p, end, &max_bytes) || take_u32(&p, end, &keep) || take_str(&p, end, &path)) return 2;
        emit("L %u %d\n", id, append_log(path, max_bytes, keep, p, (size_t)(end - p)));
      } else return 2;
      off += 4 + flen;
    }
    memmove(in, in + off, len - off);
    len -= off;
  }
}
