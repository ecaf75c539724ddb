/// An Official Account push (WECHAT.md §5.3): `<xml><ToUserName>gh_…</ToUserName>
/// <FromUserName>OPENID</FromUserName><CreateTime>…</CreateTime><MsgType>event</MsgType>
/// <Event>subscribe|SCAN</Event><EventKey>…</EventKey><Ticket>…</Ticket></xml>`, or in safe mode
/// an `<Encrypt>` element.
///
/// The reader knows only WeChat's flat shape: one level of elements inside `<xml>`, each holding
/// text or one CDATA section. Anything else (a DOCTYPE, entities other than the five predefined
/// ones, nested elements, oversized input) is refused, so no external entity is ever resolved.
public struct WeChatPushMessage: Sendable, Equatable {
    public var fields: [String: String]

    public var toUserName: String? { fields["ToUserName"] }
    public var fromUserName: String? { fields["FromUserName"] }
    public var msgType: String? { fields["MsgType"] }
    public var event: String? { fields["Event"] }
    public var eventKey: String? { fields["EventKey"] }
    public var ticket: String? { fields["Ticket"] }
    public var encrypt: String? { fields["Encrypt"] }

    /// The largest push accepted, in bytes.
    public static let maxBytes = 64 * 1024

    /// The QR scene a follow or scan carries: WECHAT.md §5.3, "A new follower sends `subscribe`
    /// with `EventKey` = `qrscene_SCENE`; an existing follower sends `SCAN` with `EventKey` =
    /// `SCENE`. Strip the `qrscene_` prefix." `nil` for other messages or an empty scene.
    public var scene: String? {
        guard msgType == "event", let event, let key = eventKey else { return nil }
        switch event {
        case "subscribe":
            guard key.hasPrefix("qrscene_") else { return nil }
            let scene = String(key.dropFirst("qrscene_".count))
            return scene.isEmpty ? nil : scene
        case "SCAN":
            return key.isEmpty ? nil : key
        default:
            return nil
        }
    }

    public init(fields: [String: String]) {
        self.fields = fields
    }

    /// Reads a push; `nil` for anything that is not WeChat's flat `<xml>…</xml>`.
    public init?(xml: String) {
        guard xml.utf8.count <= Self.maxBytes, !xml.contains("<!DOCTYPE"), !xml.contains("<!ENTITY") else { return nil }
        var rest = Substring(xml).drop { $0.isWhitespace }
        if rest.hasPrefix("<?xml") {
            guard let end = rest.range(of: "?>") else { return nil }
            rest = rest[end.upperBound...].drop { $0.isWhitespace }
        }
        guard rest.hasPrefix("<xml>") else { return nil }
        rest = rest.dropFirst("<xml>".count)
        var fields: [String: String] = [:]
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.hasPrefix("</xml>") {
                guard rest.dropFirst("</xml>".count).allSatisfy(\.isWhitespace) else { return nil }
                break
            }
            guard rest.hasPrefix("<"), let close = rest.firstIndex(of: ">") else { return nil }
            let name = rest[rest.index(after: rest.startIndex)..<close]
            guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { return nil }
            rest = rest[rest.index(after: close)...]
            let endTag = "</\(name)>"
            let value: String
            if rest.hasPrefix("<![CDATA[") {
                rest = rest.dropFirst("<![CDATA[".count)
                guard let end = rest.range(of: "]]>") else { return nil }
                value = String(rest[..<end.lowerBound])
                rest = rest[end.upperBound...]
                guard rest.hasPrefix(endTag) else { return nil }
            } else {
                guard let end = rest.range(of: endTag) else { return nil }
                let raw = rest[..<end.lowerBound]
                guard !raw.contains("<"), let text = Self.unescape(raw) else { return nil }
                value = text
                rest = rest[end.lowerBound...]
            }
            rest = rest.dropFirst(endTag.count)
            guard fields[String(name)] == nil else { return nil }
            fields[String(name)] = value
        }
        self.fields = fields
    }

    /// The five predefined entities and numeric references; `nil` for anything else.
    static func unescape(_ text: Substring) -> String? {
        guard text.contains("&") else { return String(text) }
        var result = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { return nil }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "lt": result += "<"
            case "gt": result += ">"
            case "amp": result += "&"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let number: UInt32?
                if entity.hasPrefix("#x") { number = UInt32(entity.dropFirst(2), radix: 16) }
                else if entity.hasPrefix("#") { number = UInt32(entity.dropFirst(), radix: 10) }
                else { number = nil }
                guard let number, let scalar = Unicode.Scalar(number) else { return nil }
                result.unicodeScalars.append(scalar)
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }
}
