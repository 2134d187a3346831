import Glibc

/// What the process makes sure of before a run: standard descriptors that are there, broken
/// pipes that fail a write instead of ending the process, and enough descriptors to run at all.
enum ProcessSetup {
    /// Opens /dev/null on any of descriptors 0, 1 and 2 that is closed (`2>&-`): otherwise the
    /// run's first opened file would get that number, and messages meant for stderr would be
    /// written into an input's descriptor or an output file.
    static func reserveStandardDescriptors() {
        for descriptor in STDIN_FILENO...STDERR_FILENO where fcntl(descriptor, F_GETFD) < 0 && errno == EBADF {
            // open returns the lowest free descriptor: this one. If it fails there is nothing better to do.
            _ = open("/dev/null", O_RDWR)
        }
    }

    /// Below this many descriptors the run's own threads and files cannot all be had (at 4,
    /// Dispatch itself traps): refuse at once rather than crash part way.
    static let minimumDescriptors: rlim_t = 16

    /// The descriptor limit, if it is below `minimumDescriptors`.
    static func tooFewDescriptors() -> rlim_t? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return limit.rlim_cur < minimumDescriptors ? limit.rlim_cur : nil
    }

    /// A write to a closed pipe sends SIGPIPE, whose default action ends the process; ignored,
    /// the write fails with EPIPE instead, which `StandardError` drops.
    static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }
}
