#ifndef CSANDBOX_H
#define CSANDBOX_H

// The part of the sandbox that Swift cannot do safely: everything between
// vfork() and execve(), plus wrappers for calls Swift's Glibc module does not
// expose (pipe2 needs _GNU_SOURCE, pidfd_open has no libc wrapper in glibc
// 2.36, and syscall() is variadic). No global state: safe to call from many
// threads at once.

#include <sys/types.h>

/// Resource limits for the child; -1 leaves a limit as inherited.
/// Each one is applied with soft = hard = value.
typedef struct csb_limits {
    long long cpu_seconds;         // RLIMIT_CPU
    long long address_space_bytes; // RLIMIT_AS
    long long file_size_bytes;     // RLIMIT_FSIZE
    long long open_files;          // RLIMIT_NOFILE
    long long processes;           // RLIMIT_NPROC
    long long core_dump_bytes;     // RLIMIT_CORE
} csb_limits;

/// The step that failed when csb_spawn returns -1.
typedef enum csb_stage {
    CSB_STAGE_NONE = 0,
    CSB_STAGE_FORK,              // vfork, in the parent
    CSB_STAGE_ERROR_PIPE,        // in the parent
    CSB_STAGE_PROCESS_GROUP,     // setsid()
    CSB_STAGE_SIGNALS,           // sigaction/sigprocmask
    CSB_STAGE_FILE_DESCRIPTORS,  // moving fds into 0-3, closing the rest
    CSB_STAGE_LIMIT_CPU,
    CSB_STAGE_LIMIT_ADDRESS_SPACE,
    CSB_STAGE_LIMIT_FILE_SIZE,
    CSB_STAGE_LIMIT_OPEN_FILES,
    CSB_STAGE_LIMIT_PROCESSES,
    CSB_STAGE_LIMIT_CORE_DUMP,
    CSB_STAGE_WORKING_DIRECTORY, // chdir
    CSB_STAGE_EXEC,              // execve
} csb_stage;

/// Starts `path` with vfork + execve in a new session (so a new process group
/// whose id is the child's pid, and no controlling terminal). Blocks the calling thread until the child has exec'd.
/// `child_fds` become the child's fds 0-3; every other fd is closed. `cwd` may
/// be NULL. argv and envp must be NULL-terminated and built before the call:
/// the child only makes async-signal-safe calls.
///
/// Returns the pid once the child has exec'd. On failure returns -1, stores the
/// step in *stage and the errno in *error; a child that failed is reaped.
pid_t csb_spawn(const char *path, char *const argv[], char *const envp[],
                const char *cwd, const csb_limits *limits,
                const int child_fds[4], int *stage, int *error);

/// pipe2(O_CLOEXEC) so that a concurrent spawn on another thread cannot leak
/// the pipe into its child; `nonblocking_end` (0 = read, 1 = write, -1 =
/// neither) gets O_NONBLOCK so the parent's end never blocks. 0 or -1/errno.
int csb_pipe(int fds[2], int nonblocking_end);

/// pidfd_open(pid, 0): an fd that polls readable when `pid` exits.
/// -1/errno (ENOSYS on kernels before 5.3).
int csb_pidfd_open(pid_t pid);

/// write() that reports EPIPE without letting SIGPIPE kill the process.
long csb_write_nosigpipe(int fd, const void *buffer, unsigned long length);

/// socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC): message boundaries kept,
/// for talking to a warm grade server. 0 or -1/errno.
int csb_seqpacket_pair(int fds[2]);

/// Sends one message with `count` (at most 8) descriptors attached as
/// SCM_RIGHTS, without SIGPIPE. Returns bytes sent or -1/errno.
long csb_send_with_fds(int socket, const void *data, unsigned long length,
                       const int *fds, int count);

/// Receives one message and up to `capacity` (at most 8) descriptors sent with
/// it as SCM_RIGHTS (close-on-exec); any beyond `capacity` are closed. Sets
/// *count to how many were stored. Returns bytes received (0: peer closed) or
/// -1/errno.
long csb_recv_with_fds(int socket, void *data, unsigned long length, int *fds, int capacity, int *count);

/// pidfd_send_signal(pidfd, signal, NULL, 0): signals the process a pidfd
/// refers to, whichever PID namespace it lives in. 0 or -1/errno.
int csb_pidfd_send_signal(int pidfd, int signal);

#endif
