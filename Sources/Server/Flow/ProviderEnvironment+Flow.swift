import Foundation
import OIDC

extension ProviderEnvironment {
    var responder: AuthorizationResponder { AuthorizationResponder(pages: pages, issuer: issuer) }
    var hintVerifier: IDTokenHintVerifier { IDTokenHintVerifier(issuer: issuer) }
    var browserSessions: BrowserSessions { BrowserSessions(env: self) }
    var codeIssuer: CodeIssuer { CodeIssuer(env: self) }
}
