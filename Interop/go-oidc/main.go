// go-oidc-rp: a relying party built only from Debian's packaged Go libraries
// (github.com/coreos/go-oidc v2 and golang.org/x/oauth2) that signs in against a
// wechat-oidc provider whose WeChat simulator approves logins by itself.
//
// It discovers the provider (oidc.NewProvider), builds the authorization URL with
// oauth2.Config, follows the login like a browser (cookie jar, redirects) until the
// provider sends it to the redirect URI, exchanges the code, verifies the ID token with
// provider.Verifier (signature, iss, aud, exp) and checks the nonce, checks at_hash, calls
// provider.UserInfo, and prints one JSON object.
//
// Exit codes: 0 success; 1 usage or transport trouble; 2 the ID token was rejected by
// the verifier; 3 the nonce did not match; 4 the authorization response was wrong.
//
// -verify-client-id verifies the ID token as if this RP were another client: the token
// must then be rejected (the interop test uses it as a negative check).
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"time"

	oidc "github.com/coreos/go-oidc"
	"golang.org/x/oauth2"
)

type result struct {
	Issuer                string                 `json:"issuer"`
	AuthorizationResponse map[string]string      `json:"authorization_response"`
	Hops                  []string               `json:"hops"`
	Nonce                 string                 `json:"nonce"`
	State                 string                 `json:"state"`
	TokenType             string                 `json:"token_type"`
	ExpiresIn             int64                  `json:"expires_in_approx"`
	AtHashChecked         bool                   `json:"at_hash_checked"`
	IDTokenClaims         map[string]interface{} `json:"id_token_claims"`
	UserInfo              map[string]interface{} `json:"userinfo"`
}

func fail(code int, format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "go-oidc-rp: "+format+"\n", args...)
	os.Exit(code)
}

func randomString() string {
	buffer := make([]byte, 24)
	if _, err := rand.Read(buffer); err != nil {
		fail(1, "random: %v", err)
	}
	return base64.RawURLEncoding.EncodeToString(buffer)
}

// sameEndpoint: scheme, host and path equal (the query of a redirect response differs).
func sameEndpoint(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host) && a.Path == b.Path
}

// browse follows redirects from authURL with a cookie-keeping client and stops (without
// fetching it) at the first redirect to redirectURI; it returns that URL.
func browse(ctx context.Context, authURL string, redirectURI *url.URL) (*url.URL, []string, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, nil, err
	}
	var hops []string
	browser := &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			hops = append(hops, req.URL.String())
			if sameEndpoint(req.URL, redirectURI) {
				return http.ErrUseLastResponse
			}
			if len(via) >= 10 {
				return errors.New("more than 10 redirects")
			}
			return nil
		},
	}
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, hops, err
	}
	response, err := browser.Do(request)
	if err != nil {
		return nil, hops, err
	}
	defer response.Body.Close()
	location := response.Header.Get("Location")
	if response.StatusCode < 300 || response.StatusCode > 399 || location == "" {
		return nil, hops, fmt.Errorf("the login stopped at %s with HTTP %d instead of redirecting to %s", response.Request.URL, response.StatusCode, redirectURI)
	}
	final, err := response.Request.URL.Parse(location)
	if err != nil {
		return nil, hops, err
	}
	if !sameEndpoint(final, redirectURI) {
		return nil, hops, fmt.Errorf("the last redirect went to %s, not to %s", final, redirectURI)
	}
	return final, hops, nil
}

func main() {
	issuer := flag.String("issuer", "", "the provider's issuer (discovery at ISSUER/.well-known/openid-configuration)")
	clientID := flag.String("client-id", "", "client_id")
	clientSecret := flag.String("client-secret", "", "client_secret")
	redirectURI := flag.String("redirect-uri", "", "the client's registered redirect URI")
	scopes := flag.String("scope", "openid profile", "space-separated scopes")
	authStyle := flag.String("auth-style", "basic", "token endpoint client authentication: basic (client_secret_basic) or post (client_secret_post)")
	verifyClientID := flag.String("verify-client-id", "", "verify the ID token for this client_id instead of -client-id (a negative check)")
	flag.Parse()
	if *issuer == "" || *clientID == "" || *clientSecret == "" || *redirectURI == "" {
		flag.Usage()
		os.Exit(1)
	}
	redirect, err := url.Parse(*redirectURI)
	if err != nil {
		fail(1, "-redirect-uri: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	// Back-channel calls (discovery, JWKS, token, userinfo) go through this client.
	ctx = oidc.ClientContext(ctx, &http.Client{Timeout: 30 * time.Second})

	provider, err := oidc.NewProvider(ctx, *issuer)
	if err != nil {
		fail(1, "discovery: %v", err)
	}
	endpoint := provider.Endpoint()
	switch *authStyle {
	case "basic":
		endpoint.AuthStyle = oauth2.AuthStyleInHeader
	case "post":
		endpoint.AuthStyle = oauth2.AuthStyleInParams
	default:
		fail(1, "-auth-style must be basic or post")
	}
	config := oauth2.Config{
		ClientID:     *clientID,
		ClientSecret: *clientSecret,
		RedirectURL:  *redirectURI,
		Endpoint:     endpoint,
		Scopes:       strings.Fields(*scopes),
	}

	state, nonce := randomString(), randomString()
	final, hops, err := browse(ctx, config.AuthCodeURL(state, oidc.Nonce(nonce)), redirect)
	if err != nil {
		fail(4, "login: %v (hops: %s)", err, strings.Join(hops, " -> "))
	}
	query := final.Query()
	response := map[string]string{}
	for name, values := range query {
		if len(values) != 1 {
			fail(4, "authorization response repeats %q: %s", name, final)
		}
		response[name] = values[0]
	}
	if response["error"] != "" {
		fail(4, "authorization error %q (%s)", response["error"], response["error_description"])
	}
	if response["state"] != state {
		fail(4, "state %q came back as %q", state, response["state"])
	}
	// RFC 9207: the authorization response names its issuer.
	if response["iss"] != *issuer {
		fail(4, "authorization response iss %q, want %q", response["iss"], *issuer)
	}
	if response["code"] == "" {
		fail(4, "no code in %s", final)
	}

	token, err := config.Exchange(ctx, response["code"])
	if err != nil {
		fail(1, "token exchange: %v", err)
	}
	rawIDToken, ok := token.Extra("id_token").(string)
	if !ok || rawIDToken == "" {
		fail(1, "the token response has no id_token")
	}

	audience := *clientID
	if *verifyClientID != "" {
		audience = *verifyClientID
	}
	verifier := provider.Verifier(&oidc.Config{ClientID: audience})
	idToken, err := verifier.Verify(ctx, rawIDToken)
	if err != nil {
		fail(2, "ID token rejected: %v", err)
	}
	// go-oidc leaves the nonce to the caller (OIDC Core §3.1.3.7 step 11).
	if idToken.Nonce != nonce {
		fail(3, "ID token nonce %q, sent %q", idToken.Nonce, nonce)
	}
	atHashChecked := false
	if idToken.AccessTokenHash != "" {
		if err := idToken.VerifyAccessToken(token.AccessToken); err != nil {
			fail(2, "at_hash: %v", err)
		}
		atHashChecked = true
	}
	claims := map[string]interface{}{}
	if err := idToken.Claims(&claims); err != nil {
		fail(1, "ID token claims: %v", err)
	}

	info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(token))
	if err != nil {
		fail(1, "userinfo: %v", err)
	}
	userinfo := map[string]interface{}{}
	if err := info.Claims(&userinfo); err != nil {
		fail(1, "userinfo claims: %v", err)
	}

	var expiresIn int64
	if !token.Expiry.IsZero() {
		expiresIn = int64(time.Until(token.Expiry).Round(time.Second) / time.Second)
	}
	output, err := json.MarshalIndent(result{
		Issuer:                *issuer,
		AuthorizationResponse: response,
		Hops:                  hops,
		Nonce:                 nonce,
		State:                 state,
		TokenType:             token.TokenType,
		ExpiresIn:             expiresIn,
		AtHashChecked:         atHashChecked,
		IDTokenClaims:         claims,
		UserInfo:              userinfo,
	}, "", "  ")
	if err != nil {
		fail(1, "json: %v", err)
	}
	fmt.Println(string(output))
}
