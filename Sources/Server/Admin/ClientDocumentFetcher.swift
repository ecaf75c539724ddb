import AsyncHTTPClient
import Foundation
import NIOCore
import OIDC

/// Retrieves documents a client points the provider at (`sector_identifier_uri`, OIDC
/// Registration §5; `jwks_uri`; `request_uri`): one GET, bounded in size and in time, 200 only.
/// The provider's HTTP client follows no redirects, so a 3xx is refused like any other non-200.
public struct ClientDocumentFetcher: Sendable {
    let httpClient: HTTPClient
    let timeout: TimeAmount
    let maximumSize: Int

    public init(httpClient: HTTPClient, timeout: TimeAmount = .seconds(5), maximumSize: Int = SectorIdentifierRules.maximumDocumentSize) {
        self.httpClient = httpClient
        self.timeout = timeout
        self.maximumSize = maximumSize
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The body of `url`. Throws on a non-200 status, a body over `maximumSize`, or when the
    /// whole exchange (body included) takes longer than `timeout`.
    public func fetch(_ url: String) async throws -> [UInt8] {
        let httpClient = self.httpClient
        let maximumSize = self.maximumSize
        let timeout = self.timeout
        return try await withThrowingTaskGroup(of: [UInt8].self) { group in
            group.addTask {
                var request = HTTPClientRequest(url: url)
                request.headers.add(name: "Accept", value: "application/json")
                let response = try await httpClient.execute(request, timeout: timeout)
                guard response.status == .ok else {
                    throw Failure(description: "\(url) answered \(response.status.code)")
                }
                return Array(buffer: try await response.body.collect(upTo: maximumSize))
            }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(max(timeout.nanoseconds, 0)))
                throw Failure(description: "\(url) did not answer in time")
            }
            defer { group.cancelAll() }
            guard let body = try await group.next() else { throw Failure(description: "no answer from \(url)") }
            return body
        }
    }

    /// The fetch as the validator takes it.
    public var fetchDocument: ClientRegistrationValidator.FetchDocument {
        { url in try await fetch(url) }
    }
}
