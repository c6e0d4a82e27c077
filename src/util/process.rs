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

/// When process `pid` started (`/proc/<pid>/stat` field 22, clock ticks
/// after boot): with its pid, what names a process for as long as the
/// machine runs. None when it is gone or a zombie.
#[cfg(target_os = "linux")]
pub fn start_time(pid: u32) -> Option<i64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses.
    let (_, rest) = stat.rsplit_once(')')?;
    let mut fields = rest.split_whitespace();
    if fields
        .next()
        .is_some_and(|state| state == "Z" || state == "X")
    {
        return None;
    }
    // `rest` starts at field 3; field 22 is 19 further.
    fields.nth(18)?.parse().ok()
}

#[cfg(not(target_os = "linux"))]
pub fn start_time(_pid: u32) -> Option<i64> {
    None
}

/// Whether the process `pid` that started at `started` (None: unknown) is
/// surely gone: no such pid, a zombie, or the pid now names a process
/// started at another time. Without /proc, only a missing pid counts.
pub fn process_gone(pid: u32, started: Option<i64>) -> bool {
    if !cfg!(target_os = "linux") {
        return !pid_alive(pid);
    }
    match start_time(pid) {
        None => true,
        Some(now) => started.is_some_and(|s| s != now),
    }
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
