//! This machine's name: the one `gethostname` call of the crate.

/// This machine's host name (`localhost` when it cannot be read): how
/// worktree rows name the host whose disk holds them, and how lease owners
/// (`host:pid`) name theirs.
pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most buf.len() bytes into buf.
    let r = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if r != 0 {
        return "localhost".into();
    }
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}
