/// The language of our login page: Chinese or English.
///
/// OIDC Core §3.1.2.1: `ui_locales` is the "End-User's preferred languages and scripts for the
/// user interface, represented as a space-separated list of BCP47 [RFC5646] language tag
/// values, ordered by preference" — it wins; then the browser's `Accept-Language` (RFC 9110
/// §12.5.4, by `q` weight); Chinese when neither names a language we have.
enum LoginPageLanguage: String, Sendable {
    case zh
    case en

    /// `lang` for WeChat's `qrconnect` (`cn` or `en`, shared/WECHAT.md §2).
    var wechatLang: String { self == .zh ? "cn" : "en" }

    /// The `lang` attribute of the page (BCP 47).
    var htmlLang: String { self == .zh ? "zh-CN" : "en" }

    static func choose(uiLocales: String?, acceptLanguage: String?) -> LoginPageLanguage {
        if let uiLocales {
            for tag in uiLocales.split(separator: " ") {
                if let language = match(tag) { return language }
            }
        }
        if let acceptLanguage {
            let ranges = acceptLanguage.split(separator: ",").enumerated().compactMap { index, item -> (tag: Substring, weight: Double, index: Int)? in
                let parts = item.split(separator: ";")
                guard let tag = parts.first?.trimmingCharacters(in: .whitespaces), !tag.isEmpty else { return nil }
                var weight = 1.0
                for parameter in parts.dropFirst() {
                    let pair = parameter.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                    if pair.count == 2, pair[0].lowercased() == "q", let value = Double(pair[1]), (0...1).contains(value) { weight = value }
                }
                return weight > 0 ? (Substring(tag), weight, index) : nil
            }
            // Highest weight first; equal weights keep the browser's order.
            for range in ranges.sorted(by: { $0.weight != $1.weight ? $0.weight > $1.weight : $0.index < $1.index }) {
                if let language = match(range.tag) { return language }
            }
        }
        return .zh
    }

    private static func match(_ tag: Substring) -> LoginPageLanguage? {
        let primary = tag.split(separator: "-").first?.lowercased() ?? ""
        switch primary {
        case "zh": return .zh
        case "en": return .en
        default: return nil
        }
    }
}
