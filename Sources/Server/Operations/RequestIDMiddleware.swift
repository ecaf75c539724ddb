import HTTPTypes
import Hummingbird

/// Returns the request id that every log line of the request carries (`hb.request.id`) in an
/// `X-Request-Id` response header, so an operator can find a user's failed request in the logs.
/// The id is the server's own; a client-sent `X-Request-Id` is not trusted into the logs.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    static var headerName: HTTPField.Name { HTTPField.Name("X-Request-Id")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            response.headers[Self.headerName] = context.id
            return response
        } catch let error as any HTTPResponseError {
            var response = try error.response(from: request, context: context)
            response.headers[Self.headerName] = context.id
            return response
        }
    }
}
