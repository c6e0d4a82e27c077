//! Child processes boocoder starts in their own process group (the opencode
//! server, ACP agents, post-create commands): signalling the whole group,
//! and tying a child's life to boocoder's.

/// Send `signal` to the process group led by `pid` (a child started with
/// `process_group(0)`); a gone group is not an error.
pub fn signal_group(pid: u32, signal: i32) {
    if pid == 0 || pid > i32::MAX as u32 {
        return;
    }
    // SAFETY: kill(2) with a negative pid signals a process group; no memory
    // is involved.
    unsafe { libc::kill(-(pid as i32), signal) };
}

/// Whether a process `pid` exists (it may belong to another user).
pub fn pid_alive(pid: u32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid as i32, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// A child must not outlive boocoder, even one killed with SIGKILL (no Drop
/// runs then): on Linux the kernel sends the child TERM when the thread that
/// started it ends (a runtime worker: it lives as long as the process). A
/// child whose parent is already gone (re-parented to init) is not started.
#[cfg(target_os = "linux")]
pub fn stop_with_parent(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec only async-signal-safe calls are made
    // (prctl, getppid); no allocation, no locks.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::getppid() == 1 {
                return Err(std::io::Error::other("parent exited"));
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
pub fn stop_with_parent(_cmd: &mut std::process::Command) {}
