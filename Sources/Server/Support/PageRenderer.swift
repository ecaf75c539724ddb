import HTTPTypes
import Hummingbird
import Mustache

/// Renders the HTML pages.
struct PageRenderer: Sendable {
    private let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        try library.register(PageTemplates.error, named: "error")
        try library.register(PageTemplates.demoHome, named: "demo-home")
        try library.register(PageTemplates.demoResult, named: "demo-result")
        try library.register(PageTemplates.formPost, named: "form-post")
        try library.register(PageTemplates.loggedOut, named: "logged-out")
        try library.register(PageTemplates.login, named: "login")
        try library.register(PageTemplates.snapshot, named: "snapshot")
        self.library = library
    }

    /// - Parameters:
    ///   - extraScriptHash: a CSP hash source (`sha256-…`) for the page's one inline script.
    ///   - frameSource: the one origin the page may embed in an iframe (WeChat's QR).
    ///   - connectSelf: whether the page's script may call back to this origin (`connect-src
    ///     'self'`, the follow-QR page's polling).
    func render(
        _ template: String, _ values: [String: Any], status: HTTPResponse.Status = .ok, extraScriptHash: String? = nil,
        frameSource: String? = nil, connectSelf: Bool = false
    ) -> Response {
        let html = library.render(values, withTemplate: template) ?? "<!doctype html><title>Error</title><p>Error</p>"
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        let scripts = extraScriptHash.map { "; script-src '\($0)'" } ?? ""
        let frames = (frameSource.map { "; frame-src \($0)" } ?? "") + (connectSelf ? "; connect-src 'self'" : "")
        headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; form-action *; frame-ancestors 'none'" + scripts + frames
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The error page shown when redirecting would be unsafe (RFC 6749 §4.1.2.1).
    func errorPage(title: String, message: String, code: String?, status: HTTPResponse.Status = .badRequest) -> Response {
        var values: [String: Any] = ["title": title, "message": message]
        if let code { values["code"] = code }
        return render("error", values, status: status)
    }
}
