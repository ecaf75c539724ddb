#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A free loopback port for a test server (the issuer must name the port before the server
/// binds it).
///
/// Asking the kernel for port 0 and closing the socket is racy when hundreds of tests run at
/// once: the kernel may give the same port to the next such request, or to an outgoing
/// connection, before the server binds it — and a test then talks to another test's server.
/// So ports are drawn below the kernel's ephemeral range (which outgoing connections and
/// port-0 binds use), each handed out at most once per test process, and checked bindable.
enum FreePort {
    private static let handedOut = Mutex<Set<Int>>([])
    /// Below Linux's default `ip_local_port_range` (32768–60999).
    private static let candidates = 20_000..<32_000

    static func find() -> Int {
        for _ in 0..<2_000 {
            let port = Int.random(in: candidates)
            guard handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            if canBind(port) { return port }
        }
        fatalError("no free loopback port in \(candidates)")
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } } == 0
    }
}
