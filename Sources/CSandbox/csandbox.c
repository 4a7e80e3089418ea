// vfork/exec with limits for the Sandbox target. See csandbox.h for the API.
//
// The child is started with vfork(): it borrows the parent's memory and the
// parent thread sleeps until execve, so nothing is copied. Plain fork() cost
// 1.3-6 ms per run in a test process (page tables copied, then a copy-on-write
// fault for every page the parent touches) against 0.6-0.9 ms for vfork,
// the same as glibc's posix_spawn, which works the same way but has no hook
// for setrlimit. The price is discipline in the child:
// - only async-signal-safe calls (other threads may hold malloc/stdio locks);
// - no writes to memory the parent uses: the child's state lives in the
//   frame of child(), which is noinline so its locals can never share stack
//   slots with the parent's; errno is the parent thread's, which is unused
//   once vfork has succeeded;
// - no signal handler may run in the child (it would run on the parent's
//   memory): all signals are blocked across vfork.

#define _GNU_SOURCE
#include "csandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// The child reports a failed step as two ints on the CLOEXEC error pipe
// (atomic: far below PIPE_BUF) and exits; a successful execve closes the pipe
// instead, so the parent reads either a report or EOF.
__attribute__((noreturn)) static void child_fail(int error_fd, int stage) {
    int message[2] = {stage, errno};
    ssize_t ignored = write(error_fd, message, sizeof message);
    (void)ignored;
    _exit(127);
}

static int set_limit(int resource, long long value) {
    if (value < 0) return 0;
    struct rlimit limit = {(rlim_t)value, (rlim_t)value};
    return setrlimit(resource, &limit);
}

// Closes every fd >= first. close_range needs Linux 5.9; older kernels get a
// loop up to the fd limit.
static int close_from(int first) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)first, ~0U, 0) == 0) return 0;
    if (errno != ENOSYS) return -1;
#endif
    struct rlimit limit;
    long end = 65536;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        end = (long)limit.rlim_cur;
    for (long fd = first; fd < end; fd++) close((int)fd);
    return 0;
}

__attribute__((noinline, noreturn)) static void child(
    const char *path, char *const argv[], char *const envp[], const char *cwd,
    const csb_limits *limits, const int child_fds[4], int error_fd) {
    // A session of its own (and so a process group whose id is its pid): no
    // controlling terminal, so nothing it runs can open /dev/tty and write to,
    // or inject keystrokes into, the terminal of whoever started the grade.
    if (setsid() < 0) child_fail(error_fd, CSB_STAGE_PROCESS_GROUP);

    // Every signal is blocked (see csb_spawn), so no inherited handler can run
    // here. Ignored signals would survive execve: reset all to default, then
    // unblock. The raw syscall, because glibc's sigaction refuses its two
    // reserved signals (32, 33), which glibc's own posix_spawn leaves ignored
    // in children (swift test starts test binaries that way). A zeroed kernel
    // sigaction is SIG_DFL, no flags, empty mask on every layout; the call
    // fails harmlessly for SIGKILL and SIGSTOP.
    unsigned long default_action[4] = {0};
    for (int sig = 1; sig < NSIG; sig++)
        syscall(SYS_rt_sigaction, sig, default_action, NULL, (NSIG - 1) / 8);
    sigset_t empty;
    sigemptyset(&empty);
    if (sigprocmask(SIG_SETMASK, &empty, NULL) != 0)
        child_fail(error_fd, CSB_STAGE_SIGNALS);

    // First copy every source fd to >= 5 so that none can be clobbered by a
    // dup2 into 0-4 (a parent started with fd 0 closed hands out pipe fds
    // that low). dup2 then clears FD_CLOEXEC on 0-3; the error pipe lands on
    // 4, CLOEXEC again, and everything from 5 up is closed.
    int moved[4];
    int error_copy = fcntl(error_fd, F_DUPFD_CLOEXEC, 5);
    if (error_copy < 0) child_fail(error_fd, CSB_STAGE_FILE_DESCRIPTORS);
    error_fd = error_copy;
    for (int i = 0; i < 4; i++) {
        moved[i] = fcntl(child_fds[i], F_DUPFD_CLOEXEC, 5);
        if (moved[i] < 0) child_fail(error_fd, CSB_STAGE_FILE_DESCRIPTORS);
    }
    for (int i = 0; i < 4; i++)
        if (dup2(moved[i], i) < 0) child_fail(error_fd, CSB_STAGE_FILE_DESCRIPTORS);
    if (dup2(error_fd, 4) < 0 || fcntl(4, F_SETFD, FD_CLOEXEC) < 0)
        child_fail(error_fd, CSB_STAGE_FILE_DESCRIPTORS);
    error_fd = 4;
    if (close_from(5) != 0) child_fail(error_fd, CSB_STAGE_FILE_DESCRIPTORS);

    // Limits only now: fcntl(F_DUPFD) fails with EINVAL above a lowered
    // RLIMIT_NOFILE, and a low RLIMIT_NPROC must not matter before execve.
    if (set_limit(RLIMIT_CPU, limits->cpu_seconds) != 0)
        child_fail(error_fd, CSB_STAGE_LIMIT_CPU);
    if (set_limit(RLIMIT_AS, limits->address_space_bytes) != 0)
        child_fail(error_fd, CSB_STAGE_LIMIT_ADDRESS_SPACE);
    if (set_limit(RLIMIT_FSIZE, limits->file_size_bytes) != 0)
        child_fail(error_fd, CSB_STAGE_LIMIT_FILE_SIZE);
    if (set_limit(RLIMIT_NOFILE, limits->open_files) != 0)
        child_fail(error_fd, CSB_STAGE_LIMIT_OPEN_FILES);
    if (set_limit(RLIMIT_NPROC, limits->processes) != 0)
        child_fail(error_fd, CSB_STAGE_LIMIT_PROCESSES);
    if (set_limit(RLIMIT_CORE, limits->core_dump_bytes) != 0)
        child_fail(error_fd, CSB_STAGE_LIMIT_CORE_DUMP);

    if (cwd != NULL && chdir(cwd) != 0) child_fail(error_fd, CSB_STAGE_WORKING_DIRECTORY);
    execve(path, argv, envp);
    child_fail(error_fd, CSB_STAGE_EXEC);
}

pid_t csb_spawn(const char *path, char *const argv[], char *const envp[],
                const char *cwd, const csb_limits *limits,
                const int child_fds[4], int *stage, int *error) {
    *stage = CSB_STAGE_NONE;
    *error = 0;
    int error_pipe[2];
    if (csb_pipe(error_pipe, -1) != 0) {
        *stage = CSB_STAGE_ERROR_PIPE;
        *error = errno;
        return -1;
    }

    // Block all signals across vfork so that a handler installed by the host
    // process cannot run in the child before the child resets dispositions.
    // Only this thread's mask changes, and it is restored right after.
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    pid_t pid = vfork();
    if (pid == 0) child(path, argv, envp, cwd, limits, child_fds, error_pipe[1]);
    int fork_errno = errno;
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    close(error_pipe[1]);
    if (pid < 0) {
        close(error_pipe[0]);
        *stage = CSB_STAGE_FORK;
        *error = fork_errno;
        return -1;
    }
    // The parent resumes once the child has exec'd or failed, so by now the
    // process group exists (no setpgid race) or the pipe holds the failure.
    // Another thread's child may briefly hold a copy of the write end (it is
    // only CLOEXEC), which can delay EOF until that child execs too.
    int message[2];
    ssize_t got;
    do got = read(error_pipe[0], message, sizeof message);
    while (got < 0 && errno == EINTR);
    close(error_pipe[0]);
    if (got <= 0) return pid;  // EOF: execve succeeded

    *stage = got == (ssize_t)sizeof message ? message[0] : CSB_STAGE_EXEC;
    *error = got == (ssize_t)sizeof message ? message[1] : EIO;
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    return -1;
}

int csb_pipe(int fds[2], int nonblocking_end) {
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    if (nonblocking_end == 0 || nonblocking_end == 1) {
        int fd = fds[nonblocking_end];
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
            int saved = errno;
            close(fds[0]);
            close(fds[1]);
            errno = saved;
            return -1;
        }
    }
    return 0;
}

int csb_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

// SIGPIPE for a write to a pipe goes to the writing thread, so blocking it in
// this thread alone is enough; if the write raised it, consume it before
// unblocking (unless one was already pending before we started).
long csb_write_nosigpipe(int fd, const void *buffer, unsigned long length) {
    sigset_t pipe_set, saved, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &saved);
    sigpending(&pending);
    int was_pending = sigismember(&pending, SIGPIPE);
    ssize_t written = write(fd, buffer, length);
    int saved_errno = errno;
    if (written < 0 && saved_errno == EPIPE && !was_pending) {
        struct timespec zero = {0, 0};
        sigtimedwait(&pipe_set, NULL, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    errno = saved_errno;
    return (long)written;
}

#include <string.h>
#include <sys/socket.h>

int csb_seqpacket_pair(int fds[2]) {
    return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds);
}

long csb_send_with_fds(int socket, const void *data, unsigned long length,
                       const int *fds, int count) {
    struct iovec vector = {(void *)data, length};
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    // Room for up to 8 descriptors, aligned as CMSG_* expects.
    union {
        char buffer[CMSG_SPACE(sizeof(int) * 8)];
        struct cmsghdr align;
    } control;
    if (count < 0 || count > 8) {
        errno = EINVAL;
        return -1;
    }
    if (count > 0) {
        memset(&control, 0, sizeof control);
        message.msg_control = control.buffer;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)count);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)count);
        memcpy(CMSG_DATA(header), fds, sizeof(int) * (size_t)count);
    }
    ssize_t sent;
    do {
        sent = sendmsg(socket, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return (long)sent;
}

long csb_recv_with_fds(int socket, void *data, unsigned long length, int *fds, int capacity, int *count) {
    struct iovec vector = {data, length};
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    union {
        char buffer[CMSG_SPACE(sizeof(int) * 8)];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    message.msg_control = control.buffer;
    message.msg_controllen = sizeof control.buffer;
    *count = 0;
    ssize_t got;
    do {
        got = recvmsg(socket, &message, MSG_CMSG_CLOEXEC);
    } while (got < 0 && errno == EINTR);
    if (got < 0) return -1;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL;
         header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        int received = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *incoming = (int *)CMSG_DATA(header);
        for (int i = 0; i < received; i++) {
            if (*count < capacity) fds[(*count)++] = incoming[i];
            else close(incoming[i]);  // more than asked for: never leak them
        }
    }
    return (long)got;
}

int csb_pidfd_send_signal(int pidfd, int signal) {
#ifdef SYS_pidfd_send_signal
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}
