import Foundation

/// Where a PostgreSQL database lives and how to connect to it, parsed from
/// `postgres://USER:PASSWORD@HOST:PORT/DATABASE?OPTIONS` (or `postgresql://…`).
///
/// Options (all optional):
/// - `sslmode`: `disable`, `prefer` (the default), `require`, `verify-ca` or `verify-full`, as in
///   libpq: `prefer` and `require` encrypt without checking the server's certificate; `verify-ca`
///   checks it against the trusted roots, `verify-full` also checks that it names the host.
/// - `sslrootcert`: a PEM file of trusted roots for `verify-ca`/`verify-full` (default: the
///   system's roots).
/// - `pool_size`: the most connections this process opens (1...200, default 10).
/// - `connect_timeout`: seconds to wait for a connection (1...300, default 10).
/// - `schema`: a schema (which must exist) to use instead of `public`, e.g. to share one database
///   between deployments; lowercase letters, digits and `_`.
///
/// The password never appears in `description`, `debugDescription`, a mirror or an error.
struct PostgresLocation: Sendable, Equatable {
    enum SSLMode: String, Sendable, Equatable, CaseIterable {
        case disable
        case prefer
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    static let defaultPort = 5432
    static let defaultPoolSize = 10
    static let poolSizeRange = 1...200
    static let defaultConnectTimeout = 10
    static let connectTimeoutRange = 1...300
    static let supportedOptions = ["sslmode", "sslrootcert", "pool_size", "connect_timeout", "schema"]

    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String
    var sslMode: SSLMode
    var sslRootCertificatePath: String?
    var poolSize: Int
    var connectTimeoutSeconds: Int
    var schema: String?

    init(
        host: String, port: Int = defaultPort, username: String, password: String?, database: String,
        sslMode: SSLMode = .prefer, sslRootCertificatePath: String? = nil, poolSize: Int = defaultPoolSize,
        connectTimeoutSeconds: Int = defaultConnectTimeout, schema: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.sslRootCertificatePath = sslRootCertificatePath
        self.poolSize = poolSize
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.schema = schema
    }

    /// Parses a `postgres://` or `postgresql://` URL; throws `StorageError.invalidURL` naming the
    /// problem (never quoting the URL, which may hold a password).
    static func parse(_ text: String) throws -> PostgresLocation {
        guard let components = URLComponents(string: text) else {
            throw StorageError.invalidURL(
                "the PostgreSQL URL does not parse; write postgres://USER:PASSWORD@HOST:PORT/DATABASE and "
                    + "percent-encode special characters in the user name and password (@ as %40, / as %2F, # as %23)"
            )
        }
        guard let rawHost = components.host, !rawHost.isEmpty else {
            throw StorageError.invalidURL("the PostgreSQL URL names no host (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        let host = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost
        guard let username = components.user, !username.isEmpty else {
            throw StorageError.invalidURL("the PostgreSQL URL names no user (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        let port = components.port ?? defaultPort
        guard (1...65535).contains(port) else {
            throw StorageError.invalidURL("the PostgreSQL port must be in 1...65535, got \(port)")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty else {
            throw StorageError.invalidURL("the PostgreSQL URL names no database (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        guard !path.contains("/") else {
            throw StorageError.invalidURL("the PostgreSQL database name must not contain '/'")
        }
        guard components.fragment == nil else {
            throw StorageError.invalidURL("the PostgreSQL URL has a fragment ('#…'); percent-encode '#' in a password as %23")
        }

        var location = PostgresLocation(host: host, port: port, username: username, password: components.password, database: path)
        var seen: Set<String> = []
        for item in components.queryItems ?? [] {
            let name = item.name
            guard Self.supportedOptions.contains(name) else {
                throw StorageError.invalidURL(
                    "unknown PostgreSQL URL option '\(name)'; supported: \(Self.supportedOptions.joined(separator: ", "))"
                )
            }
            guard seen.insert(name).inserted else {
                throw StorageError.invalidURL("the PostgreSQL URL option '\(name)' is given twice")
            }
            let value = item.value ?? ""
            switch name {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    throw StorageError.invalidURL(
                        "sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", ")), got '\(value)'"
                    )
                }
                location.sslMode = mode
            case "sslrootcert":
                guard !value.isEmpty else { throw StorageError.invalidURL("sslrootcert names no file") }
                location.sslRootCertificatePath = value
            case "pool_size":
                location.poolSize = try integer(value, option: name, range: poolSizeRange)
            case "connect_timeout":
                location.connectTimeoutSeconds = try integer(value, option: name, range: connectTimeoutRange)
            case "schema":
                guard isPlainIdentifier(value) else {
                    throw StorageError.invalidURL(
                        "schema must be 1 to 63 lowercase letters, digits or '_', starting with a letter or '_', got '\(value)'"
                    )
                }
                location.schema = value
            default:
                break
            }
        }
        if location.sslRootCertificatePath != nil, location.sslMode != .verifyCA, location.sslMode != .verifyFull {
            throw StorageError.invalidURL("sslrootcert is only used with sslmode=verify-ca or sslmode=verify-full")
        }
        return location
    }

    private static func integer(_ value: String, option: String, range: ClosedRange<Int>) throws -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw StorageError.invalidURL(
                "\(option) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(value)'"
            )
        }
        return number
    }

    /// Lowercase letters, digits and `_`, not starting with a digit, at most 63 bytes: a name that
    /// needs no quoting anywhere PostgreSQL reads it (`search_path`, SQL).
    static func isPlainIdentifier(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 63 else { return false }
        func isLetter(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: "_") }
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        return isLetter(first) && bytes.allSatisfy { isLetter($0) || isDigit($0) }
    }

    /// The URL with the password replaced by `***` (for logs and messages).
    var redactedURL: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        if password != nil { components.percentEncodedPassword = "***" }
        if host.contains(":") {
            components.percentEncodedHost = "[\(host)]"  // IPv6
        } else {
            components.host = host
        }
        components.port = port
        components.path = "/" + database
        var items = [URLQueryItem(name: "sslmode", value: sslMode.rawValue)]
        if let sslRootCertificatePath { items.append(URLQueryItem(name: "sslrootcert", value: sslRootCertificatePath)) }
        items.append(URLQueryItem(name: "pool_size", value: String(poolSize)))
        if connectTimeoutSeconds != Self.defaultConnectTimeout {
            items.append(URLQueryItem(name: "connect_timeout", value: String(connectTimeoutSeconds)))
        }
        if let schema { items.append(URLQueryItem(name: "schema", value: schema)) }
        components.queryItems = items
        return components.string ?? "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }
}

extension PostgresLocation: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { redactedURL }
    var debugDescription: String { "PostgresLocation(\(redactedURL))" }
    var customMirror: Mirror { Mirror(self, children: ["url": redactedURL]) }
}
