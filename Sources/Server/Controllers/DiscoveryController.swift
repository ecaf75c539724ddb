import HTTPTypes
import Hummingbird
import OIDC

/// `GET /.well-known/openid-configuration` (OIDC Discovery §4) and `GET /jwks` (RFC 7517),
/// both from precomputed bytes. Both follow the keys: the JWKS lists every published key and
/// `id_token_signing_alg_values_supported` the algorithms that have an active key.
struct DiscoveryController: Sendable {
    let env: ProviderEnvironment

    func addRoutes(to router: some RouterMethods<ProviderRequestContext>) {
        let discovery = env.discoveryJSON
        let cacheable: [(HTTPField.Name, String)] = [(.cacheControl, "public, max-age=300")]
        router.get(RouterPath(ProviderMetadata.Path.discovery)) { _, _ in
            HTTPHelpers.json((try? env.keys.discoveryJSON(template: env.metadata)) ?? discovery, extraHeaders: cacheable)
        }
        router.get(RouterPath(ProviderMetadata.Path.jwks)) { _, _ in
            HTTPHelpers.json(env.keys.current.jwksJSON, extraHeaders: cacheable)
        }
    }
}
