import Hummingbird

/// Answers what no route handles (an unknown path, a method a path lacks, a body the server
/// refuses) with the API's error body, as every route does.
struct ErrorBodyMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            let message = error.status == .notFound ? "no route \(request.method.rawValue) \(request.uri.path)" : error.status.reasonPhrase
            return APIError(status: error.status, message: message).response(path: request.uri.path)
        } catch {
            return APIError(status: .internalServerError, message: "the service failed; the failure is in its log").response(path: request.uri.path)
        }
    }
}
