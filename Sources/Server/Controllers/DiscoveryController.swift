import HTTPTypes
import Hummingbird
import OIDC

/// `GET /.well-known/openid-configuration` (OIDC Discovery §4) and `GET /jwks` (RFC 7517),
/// both from precomputed bytes.
struct DiscoveryController: Sendable {
    let env: ProviderEnvironment

    func addRoutes(to router: Router<BasicRequestContext>) {
        let discovery = env.discoveryJSON
        let cors: [(HTTPField.Name, String)] = [(HTTPField.Name("Access-Control-Allow-Origin")!, "*"), (.cacheControl, "public, max-age=300")]
        router.get(RouterPath(ProviderMetadata.Path.discovery)) { _, _ in
            HTTPHelpers.json(discovery, extraHeaders: cors)
        }
        router.get(RouterPath(ProviderMetadata.Path.jwks)) { _, _ in
            HTTPHelpers.json(env.keys.current.jwksJSON, extraHeaders: cors)
        }
    }
}
