import Foundation
import Logging
import OIDC
import Synchronization

/// A swift-log handler writing one JSON object per line (`log.format: json`):
/// `{"timestamp":…,"level":…,"label":…,"message":…,"source":…,<metadata members>}`.
///
/// Metadata values become strings (nested values are flattened with their description); a
/// metadata key that collides with a fixed member is written as `metadata.<key>`. The provider
/// never puts secrets, tokens or codes into metadata, so nothing is filtered here.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    private let label: String
    private let output: JSONLogOutput

    public init(label: String, level: Logger.Level, output: JSONLogOutput = .standardError) {
        self.label = label
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        output.write(Self.line(
            timestamp: Date(), level: event.level, label: label, message: event.message.description,
            source: event.source, metadata: merged
        ))
    }

    static let fixedMembers: Set<String> = ["timestamp", "level", "label", "message", "source"]

    /// One log line, newline-terminated.
    static func line(
        timestamp: Date, level: Logger.Level, label: String, message: String, source: String, metadata: Logger.Metadata
    ) -> [UInt8] {
        var writer = JSONObjectWriter(capacity: 256)
        writer.add("timestamp", timestamp.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)))
        writer.add("level", level.rawValue)
        writer.add("label", label)
        writer.add("message", message)
        writer.add("source", source)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            writer.add(name: fixedMembers.contains(key) ? "metadata." + key : key, value.description)
        }
        var bytes = writer.finish()
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}

/// Where JSON log lines go; whole lines are written under a lock so concurrent lines never
/// interleave.
public final class JSONLogOutput: Sendable {
    private let sink: Mutex<@Sendable ([UInt8]) -> Void>

    public init(_ sink: @escaping @Sendable ([UInt8]) -> Void) {
        self.sink = Mutex(sink)
    }

    public static let standardError = JSONLogOutput { bytes in
        FileHandle.standardError.write(Data(bytes))
    }

    func write(_ line: [UInt8]) {
        sink.withLock { $0(line) }
    }
}
