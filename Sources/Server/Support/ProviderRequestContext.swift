import Hummingbird
import NIOCore

/// The request context of every provider route: Hummingbird's basic context plus the peer's
/// socket address, which the rate limits key on (see ``ClientAddressResolver``).
public struct ProviderRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer: the client itself, or the reverse proxy in front of us.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
