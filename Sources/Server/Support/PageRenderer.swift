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
        self.library = library
    }

    func render(_ template: String, _ values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(values, withTemplate: template) ?? "<!doctype html><title>Error</title><p>Error</p>"
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; form-action *; frame-ancestors 'none'"
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
