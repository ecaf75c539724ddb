import Foundation
import PostgresNIO

/// postgres-nio configurations built from a `PostgresLocation`.
extension PostgresLocation {
    /// `application_name` shown in `pg_stat_activity`.
    static let applicationName = "wechat-oidc"

    /// The TLS settings for `sslMode`, or `nil` for `disable`. Mirrors libpq: `prefer` and
    /// `require` do not verify the certificate, `verify-ca` checks the chain, `verify-full` the
    /// chain and the host name.
    func tlsConfiguration() throws -> TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable:
            return nil
        case .prefer, .require:
            configuration.certificateVerification = .none
        case .verifyCA:
            configuration.certificateVerification = .noHostnameVerification
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
        }
        if let path = sslRootCertificatePath {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw StorageError.invalidURL("sslrootcert: cannot read \(path)")
            }
            configuration.trustRoots = .file(path)
        }
        return configuration
    }

    var startupParameters: [(String, String)] {
        var parameters = [("application_name", Self.applicationName)]
        if let schema { parameters.append(("search_path", schema)) }
        return parameters
    }

    /// The pool's configuration.
    func clientConfiguration(tls: TLSConfiguration?) -> PostgresClient.Configuration {
        let clientTLS: PostgresClient.Configuration.TLS
        switch (sslMode, tls) {
        case (_, nil): clientTLS = .disable
        case (.prefer, let tls?): clientTLS = .prefer(tls)
        case (_, let tls?): clientTLS = .require(tls)
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: clientTLS
        )
        configuration.options.maximumConnections = poolSize
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(connectTimeoutSeconds)
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }

    /// The configuration of a single connection (used to check the settings before the pool starts).
    func connectionConfiguration(tls: TLSConfiguration?) throws -> PostgresConnection.Configuration {
        let connectionTLS: PostgresConnection.Configuration.TLS
        switch (sslMode, tls) {
        case (_, nil): connectionTLS = .disable
        case (.prefer, let tls?): connectionTLS = .prefer(try NIOSSLContext(configuration: tls))
        case (_, let tls?): connectionTLS = .require(try NIOSSLContext(configuration: tls))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: connectionTLS
        )
        configuration.options.connectTimeout = .seconds(Int64(connectTimeoutSeconds))
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }
}
