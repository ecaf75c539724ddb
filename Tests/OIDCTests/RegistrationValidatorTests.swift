import Foundation
import Testing
@testable import OIDC

/// The client metadata rules shared by Dynamic Client Registration and the command line.
@Suite("Client metadata rules (RFC 7591 §2, OIDC Registration 1.0 §2–§5)")
struct RegistrationValidatorTests {
    let validator = ClientRegistrationValidator(policy: .standard)

    func parse(_ json: String) throws -> ClientMetadataRequest {
        try ClientMetadataRequest.parse(Array(json.utf8)).get()
    }

    func validate(_ json: String) throws -> Result<ValidatedRegistration, OAuthError> {
        validator.validateContent(try parse(json), registeredBy: "dynamic")
    }

    static let rsaKey = #"{"kty":"RSA","kid":"k1","use":"sig","alg":"RS256","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB"}"#

    @Test("RFC 7591 §2 / OIDC Registration §2: defaults — code, authorization_code, client_secret_basic, web, public, RS256")
    func defaultsApplied() throws {
        let validated = try validate(#"{"redirect_uris":["https://rp.example/cb","https://rp.example/cb"],"client_name":"  RP  "}"#).get()
        #expect(validated.clientName == "RP")
        #expect(validated.redirectURIs == ["https://rp.example/cb"])
        #expect(validated.tokenEndpointAuthMethod == "client_secret_basic")
        #expect(validated.usesSecret)
        #expect(validated.metadata == ClientMetadata(
            grantTypes: ["authorization_code"], responseTypes: ["code"], applicationType: "web",
            idTokenSignedResponseAlg: "RS256", subjectType: "public", sectorIdentifier: "rp.example",
            clientSecretExpiresAt: 0, registeredBy: "dynamic"
        ))
    }

    @Test("RFC 7591 §2: unknown members and language-tagged client_name variants are ignored")
    func unknownIgnored() throws {
        let validated = try validate(#"{"redirect_uris":["https://rp.example/cb"],"client_name#ja-Jpan-JP":"クライアント","software_statement":"x.y.z","frobnicate":[1,2]}"#).get()
        #expect(validated.clientName == nil)
    }

    @Test("RFC 7591 §3.2.2 invalid_redirect_uri / RFC 6749 §3.1.2: fragments, relative and non-https URIs")
    func invalidRedirectURIs() throws {
        let cases: [(String, String)] = [
            ("https://rp.example/cb#frag", "redirect_uris[0] must not contain a fragment"),
            ("/cb", "redirect_uris[0] is not an absolute URI"),
            ("http://rp.example/cb", "redirect_uris[0] must use https (http only for loopback hosts)"),
            ("http://127.evil.example/cb", "redirect_uris[0] must use https (http only for loopback hosts)"),
            ("com.example.app:/cb", "redirect_uris[0] must use https (custom schemes only for native applications)"),
            ("javascript:alert(1)", "redirect_uris[0] uses a scheme that is not allowed"),
        ]
        for (uri, description) in cases {
            #expect(try validate(#"{"redirect_uris":["\#(uri)"]}"#) == .failure(.invalidRedirectURI(description)), "\(uri)")
        }
    }

    @Test("OIDC Registration §2 application_type native: custom schemes and loopback http; web: https and loopback http")
    func applicationTypes() throws {
        let native = try validate(#"{"application_type":"native","redirect_uris":["com.example.app:/cb","http://127.0.0.1:5000/cb","http://[::1]/cb"],"token_endpoint_auth_method":"none"}"#).get()
        #expect(native.metadata.applicationType == "native")
        #expect(!native.usesSecret)
        #expect(try validate(#"{"redirect_uris":["http://localhost:3000/cb"]}"#).get().metadata.sectorIdentifier == "localhost")
        #expect(try validate(#"{"application_type":"native","redirect_uris":["myapp:/cb"]}"#)
            == .failure(.invalidRedirectURI("redirect_uris[0] must use a reverse domain name as its custom scheme (RFC 8252 section 7.1)")))
    }

    @Test("RFC 7591 §3.2.2 invalid_client_metadata: each refused value names its field")
    func invalidMetadataTable() throws {
        let uri = #""redirect_uris":["https://rp.example/cb""#
        let cases: [(String, String)] = [
            (#"{}"#, "redirect_uris is required for the authorization code flow"),
            (#"{"redirect_uris":[]}"#, "redirect_uris is required for the authorization code flow"),
            (#"{"redirect_uris":"https://rp.example/cb"}"#, "redirect_uris has the wrong type"),
            (#"{\#(uri)],"response_types":["token"]}"#, "response_types value token is not supported (supported: code)"),
            (#"{\#(uri)],"response_types":[]}"#, "response_types must not be empty"),
            (#"{\#(uri)],"grant_types":["implicit"]}"#, "grant_types value implicit is not supported (supported: authorization_code, refresh_token)"),
            (#"{\#(uri)],"grant_types":["client_credentials"]}"#, "grant_types value client_credentials is not supported (supported: authorization_code, refresh_token)"),
            (#"{\#(uri)],"grant_types":["refresh_token"]}"#, "grant_types must include authorization_code for response type code (RFC 7591 section 2.1)"),
            (#"{\#(uri)],"token_endpoint_auth_method":"tls_client_auth"}"#, "token_endpoint_auth_method must be one of: client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt, none"),
            (#"{\#(uri)],"application_type":"desktop"}"#, "application_type must be one of: web, native"),
            (#"{\#(uri)],"id_token_signed_response_alg":"none"}"#, "id_token_signed_response_alg none is not supported: ID tokens are always signed"),
            (#"{\#(uri)],"id_token_signed_response_alg":"HS256"}"#, "id_token_signed_response_alg must be one of: RS256, PS256, ES256"),
            (#"{\#(uri)],"userinfo_signed_response_alg":"none"}"#, "userinfo_signed_response_alg must be one of: RS256, PS256, ES256"),
            (#"{\#(uri)],"request_object_signing_alg":"HS512"}"#, "request_object_signing_alg must be one of: RS256, PS256, ES256, none"),
            (#"{\#(uri)],"id_token_encrypted_response_alg":"RSA-OAEP"}"#, "id_token_encrypted_response_alg is not supported: this provider does not encrypt"),
            (#"{\#(uri)],"subject_type":"anonymous"}"#, "subject_type must be one of: public, pairwise"),
            (#"{\#(uri)],"default_max_age":-1}"#, "default_max_age must be a non-negative number of seconds"),
            (#"{\#(uri)],"default_max_age":"60"}"#, "default_max_age has the wrong type"),
            (#"{\#(uri)],"require_auth_time":"yes"}"#, "require_auth_time has the wrong type"),
            (#"{\#(uri)],"logo_uri":"javascript:alert(1)"}"#, "logo_uri is not an absolute URL"),
            (#"{\#(uri)],"policy_uri":"ftp://rp.example/policy"}"#, "policy_uri must be an http or https URL"),
            (#"{\#(uri)],"tos_uri":"/tos"}"#, "tos_uri is not an absolute URL"),
            (#"{\#(uri)],"client_uri":"rp.example"}"#, "client_uri is not an absolute URL"),
            (#"{\#(uri)],"post_logout_redirect_uris":["https://rp.example/bye#x"]}"#, "post_logout_redirect_uris[0] must not contain a fragment"),
            (#"{\#(uri)],"post_logout_redirect_uris":["bye"]}"#, "post_logout_redirect_uris[0] is not an absolute URI"),
            (#"{\#(uri)],"backchannel_logout_uri":"https://rp.example/bc#x"}"#, "backchannel_logout_uri must not contain a fragment"),
            (#"{\#(uri)],"backchannel_logout_uri":"http://rp.example/bc"}"#, "backchannel_logout_uri must use https"),
            (#"{\#(uri)],"backchannel_logout_uri":"http://127.0.0.1/bc"}"#, "backchannel_logout_uri must use https"),
            (#"{\#(uri)],"sector_identifier_uri":"http://rp.example/sector.json"}"#, "sector_identifier_uri must use https"),
            (#"{\#(uri)],"contacts":[""]}"#, "contacts must be non-empty strings of at most 320 characters"),
            (#"{\#(uri)],"client_name":"a\u0007b"}"#, "client_name must be at most 200 characters without control characters"),
            (#"{\#(uri)],"token_endpoint_auth_method":"private_key_jwt"}"#, "private_key_jwt requires jwks or jwks_uri"),
            (#"{\#(uri)],"token_endpoint_auth_method":"private_key_jwt","token_endpoint_auth_signing_alg":"none","jwks_uri":"https://rp.example/jwks"}"#, "token_endpoint_auth_signing_alg must be one of: RS256, ES256, PS256"),
            (#"{\#(uri)],"token_endpoint_auth_method":"client_secret_jwt","token_endpoint_auth_signing_alg":"RS256"}"#, "token_endpoint_auth_signing_alg must be one of: HS256"),
            (#"{\#(uri)],"jwks_uri":"http://rp.example/jwks"}"#, "jwks_uri must use https"),
            (#"[1]"#, "the body must be a JSON object"),
            (#"{"redirect_uris":["#, "the body must be a JSON object"),
        ]
        for (json, description) in cases {
            var error: OAuthError?
            switch ClientMetadataRequest.parse(Array(json.utf8)) {
            case .failure(let refused): error = refused
            case .success(let request):
                if case .failure(let refused) = validator.validateContent(request, registeredBy: "dynamic") { error = refused }
            }
            #expect(error == .invalidClientMetadata(description), "\(json)")
        }
    }

    @Test("OIDC Registration §2 jwks: a JWK Set of public keys; jwks and jwks_uri never both")
    func jwksRules() throws {
        let base = #""redirect_uris":["https://rp.example/cb"],"token_endpoint_auth_method":"private_key_jwt""#
        let good = try validate(#"{\#(base),"jwks":{"keys":[\#(Self.rsaKey)]}}"#).get()
        #expect(good.tokenEndpointAuthMethod == "private_key_jwt")
        #expect(!good.usesSecret)
        #expect(good.metadata.jwks.flatMap { JSONValue.parse(Array($0.utf8)) } == JSONValue.parse(Array(#"{"keys":[\#(Self.rsaKey)]}"#.utf8)))
        let privateKey = Self.rsaKey.replacingOccurrences(of: #""e":"AQAB""#, with: #""e":"AQAB","d":"X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH-HLLKD9M7dx5oo7GURknchnrRweUkC7hT5fJLM0WbFAKNLWY2vv7B6NqXSzUvxT0_YSfqijwp3RTzlBaCxWp4doFk5N2o8Gy_nHNKroADIkJ46pRUohsXywbReAdYaMwFs9tv8d_cPVY3i07a3t8MN6TNwm0dSawm9v47UiCl3Sk5ZiG7xojPLu4sbg1U2jx4IBTNBznbJSzFHK66jT8bgkuqsk0GjskDJk19Z4qwjwbsnn4j2WBii3RL-Us2lGVkY8fkFzme1z0HbIkfz0Y6mqnOYtqc0X4jfcKoAC8Q""#)
        #expect(try validate(#"{\#(base),"jwks":{"keys":[\#(privateKey)]}}"#)
            == .failure(.invalidClientMetadata("jwks key 0 contains private key material; register public keys only")))
        #expect(try validate(#"{\#(base),"jwks":{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}}"#)
            == .failure(.invalidClientMetadata("jwks key 0 contains private key material; register public keys only")))
        #expect(try validate(#"{\#(base),"jwks":{"keys":[]}}"#) == .failure(.invalidClientMetadata("jwks must contain at least one key")))
        #expect(try validate(#"{\#(base),"jwks":[\#(Self.rsaKey)]}"#) == .failure(.invalidClientMetadata("jwks must be a JWK Set: an object with a keys array")))
        #expect(try validate(#"{\#(base),"jwks":{"keys":[{"kty":"RSA","e":"AQAB"}]}}"#) == .failure(.invalidClientMetadata("jwks key 0 lacks n")))
        #expect(try validate(#"{\#(base),"jwks":{"keys":[\#(Self.rsaKey)]},"jwks_uri":"https://rp.example/jwks"}"#)
            == .failure(.invalidClientMetadata("jwks and jwks_uri must not both be present")))
        #expect(try validate(#"{\#(base),"jwks_uri":"https://rp.example/jwks","token_endpoint_auth_signing_alg":"RS256"}"#).get().metadata.jwksURI == "https://rp.example/jwks")
    }

    @Test("OIDC Core §8.1: the sector is the host of the redirect URIs; several hosts + pairwise need a sector_identifier_uri")
    func sectorIdentifier() throws {
        #expect(try validate(#"{"redirect_uris":["https://a.rp.example/cb","https://a.rp.example/other"],"subject_type":"pairwise"}"#).get().metadata.sectorIdentifier == "a.rp.example")
        #expect(try validate(#"{"redirect_uris":["https://a.rp.example/cb","https://b.rp.example/cb"],"subject_type":"pairwise"}"#)
            == .failure(.invalidClientMetadata("redirect_uris do not share one host: pairwise subjects need a sector_identifier_uri (OIDC Core section 8.1)")))
        let public_ = try validate(#"{"redirect_uris":["https://a.rp.example/cb","https://b.rp.example/cb"]}"#).get()
        #expect(public_.metadata.sectorIdentifier == nil)
        let withURI = try validate(#"{"redirect_uris":["https://a.rp.example/cb","https://b.rp.example/cb"],"subject_type":"pairwise","sector_identifier_uri":"https://Sector.RP.example/s.json"}"#).get()
        #expect(withURI.metadata.sectorIdentifier == "sector.rp.example")
        #expect(withURI.metadata.sectorIdentifierURI == "https://Sector.RP.example/s.json")
    }

    @Test("OIDC Registration §5: the sector_identifier_uri document must list every redirect URI")
    func sectorDocument() async throws {
        let request = try parse(#"{"redirect_uris":["https://a.rp.example/cb","https://b.rp.example/cb"],"subject_type":"pairwise","sector_identifier_uri":"https://rp.example/s.json"}"#)
        func run(_ document: String) async -> Result<ValidatedRegistration, OAuthError> {
            await validator.validate(request, registeredBy: "dynamic") { url in
                #expect(url == "https://rp.example/s.json")
                return Array(document.utf8)
            }
        }
        #expect(try await run(#"["https://b.rp.example/cb","https://a.rp.example/cb","https://c.rp.example/cb"]"#).get().metadata.sectorIdentifier == "rp.example")
        #expect(await run(#"["https://a.rp.example/cb"]"#)
            == .failure(.invalidClientMetadata("redirect_uris[1] is not listed in the sector_identifier_uri document")))
        #expect(await run(#"{"redirect_uris":["https://a.rp.example/cb"]}"#)
            == .failure(.invalidClientMetadata("sector_identifier_uri must return a JSON array of redirect URIs")))
        #expect(await run(#"["https://a.rp.example/cb",1]"#) == .failure(.invalidClientMetadata("sector_identifier_uri must return a JSON array of strings")))
        let unreachable = await validator.validate(request, registeredBy: "dynamic") { _ in throw CancellationError() }
        #expect(unreachable == .failure(.invalidClientMetadata("sector_identifier_uri could not be retrieved")))
    }

    @Test("The policy narrows to what discovery advertises: unsupported methods and subject types are refused")
    func policyFromDiscovery() throws {
        var metadata = ProviderMetadata.forIssuer("https://op.example")
        metadata.tokenEndpointAuthMethodsSupported = ["client_secret_basic", "none"]
        metadata.subjectTypesSupported = ["public"]
        let narrowed = ClientRegistrationValidator(policy: RegistrationPolicy.standard.limited(to: metadata))
        let pairwise = try parse(#"{"redirect_uris":["https://rp.example/cb"],"subject_type":"pairwise"}"#)
        #expect(narrowed.validateContent(pairwise, registeredBy: "dynamic") == .failure(.invalidClientMetadata("subject_type must be one of: public")))
        let post = try parse(#"{"redirect_uris":["https://rp.example/cb"],"token_endpoint_auth_method":"client_secret_post"}"#)
        #expect(narrowed.validateContent(post, registeredBy: "dynamic") == .failure(.invalidClientMetadata("token_endpoint_auth_method must be one of: client_secret_basic, none")))
    }

    @Test("Loopback http for URLs the server calls only when the policy allows it (development)")
    func loopbackCallbacks() throws {
        var policy = RegistrationPolicy.standard
        policy.allowsLoopbackHTTPCallbacks = true
        let request = try parse(#"{"redirect_uris":["https://rp.example/cb"],"backchannel_logout_uri":"http://127.0.0.1:9000/bc","backchannel_logout_session_required":true}"#)
        let validated = try ClientRegistrationValidator(policy: policy).validateContent(request, registeredBy: "admin").get()
        #expect(validated.metadata.backchannelLogoutURI == "http://127.0.0.1:9000/bc")
        #expect(validated.metadata.backchannelLogoutSessionRequired)
        #expect(validator.validateContent(request, registeredBy: "dynamic") == .failure(.invalidClientMetadata("backchannel_logout_uri must use https")))
        #expect(URIRules.isLoopback("127.0.0.1") && URIRules.isLoopback("127.1.2.3") && URIRules.isLoopback("localhost") && URIRules.isLoopback("[::1]"))
        #expect(!URIRules.isLoopback("127.example.com") && !URIRules.isLoopback("127.0.0.1.nip.io") && !URIRules.isLoopback("128.0.0.1"))
    }

    @Test("Every registered field is kept: logout URIs, pages, contacts, algorithms, flags")
    func everythingStored() throws {
        let validated = try validate(#"""
        {"redirect_uris":["https://rp.example/cb?x=1"],"client_name":"RP","grant_types":["authorization_code","refresh_token"],
         "post_logout_redirect_uris":["https://rp.example/bye"],"backchannel_logout_uri":"https://rp.example/bc",
         "logo_uri":"https://rp.example/logo.png","policy_uri":"https://rp.example/p","tos_uri":"https://rp.example/t",
         "client_uri":"https://rp.example","contacts":["ops@rp.example"],"default_max_age":0,"require_auth_time":true,
         "require_pushed_authorization_requests":true,"userinfo_signed_response_alg":"RS256","request_object_signing_alg":"none",
         "token_endpoint_auth_method":"client_secret_post"}
        """#).get()
        let m = validated.metadata
        #expect(validated.redirectURIs == ["https://rp.example/cb?x=1"])
        #expect(validated.tokenEndpointAuthMethod == "client_secret_post")
        #expect(m.grantTypes == ["authorization_code", "refresh_token"])
        #expect(m.postLogoutRedirectURIs == ["https://rp.example/bye"])
        #expect(m.backchannelLogoutURI == "https://rp.example/bc")
        #expect(m.logoURI == "https://rp.example/logo.png" && m.policyURI == "https://rp.example/p" && m.tosURI == "https://rp.example/t")
        #expect(m.clientURI == "https://rp.example" && m.contacts == ["ops@rp.example"])
        #expect(m.defaultMaxAge == 0 && m.requireAuthTime && m.requirePushedAuthorizationRequests)
        #expect(m.userinfoSignedResponseAlg == "RS256" && m.requestObjectSigningAlg == "none")
    }
}
