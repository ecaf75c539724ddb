import Foundation
import Hummingbird
import NIOCore

/// The `/_simulator/…` control endpoints (JSON in, JSON out), for tests and manual play.
extension WeChatSimulator {
    private struct ControlMessage: Encodable {
        var ok: Bool
        var error: String?
    }

    private struct AutoApproveRequest: Decodable {
        var user: String?
    }

    private struct AutoApproveState: Encodable {
        var ok = true
        var user: String?
    }

    private struct SDKCodeRequest: Decodable {
        var appid: String
        var user: String
    }

    private struct SDKCodeState: Encodable {
        var ok = true
        var code: String
    }

    private struct ClockAdvanceRequest: Decodable {
        var seconds: Double
    }

    private struct ClockState: Encodable {
        var ok = true
        var now: Double
    }

    func addControlRoutes<Context: RequestContext>(to router: some RouterMethods<Context>) {
        router.get("_simulator/faults") { _, _ in
            SimulatorResponse.control(.ok, self.faults)
        }
        router.post("_simulator/faults") { request, _ in
            await self.decodeControl(SimulatorFault.self, request) { fault in
                self.addFault(fault)
                return SimulatorResponse.control(.ok, ControlMessage(ok: true))
            }
        }
        router.delete("_simulator/faults") { _, _ in
            self.clearFaults()
            return SimulatorResponse.control(.ok, ControlMessage(ok: true))
        }
        router.post("_simulator/auto-approve") { request, _ in
            await self.decodeControl(AutoApproveRequest.self, request) { body in
                do throws(SimulatorError) {
                    try self.setAutoApprove(userID: body.user)
                } catch {
                    return SimulatorResponse.control(.badRequest, ControlMessage(ok: false, error: error.description))
                }
                return SimulatorResponse.control(.ok, AutoApproveState(user: body.user))
            }
        }
        // What the OpenSDK (mobile app) or wx.login() (mini program) would hand the app.
        router.post("_simulator/sdk-code") { request, _ in
            await self.decodeControl(SDKCodeRequest.self, request) { body in
                do throws(SDKCodeError) {
                    return SimulatorResponse.control(.ok, SDKCodeState(code: try self.mintSDKCode(appID: body.appid, userID: body.user)))
                } catch {
                    let message = switch error {
                    case .unknownApp: "unknown appid"
                    case .notAnSDKApp: "appid is not a mobile app or mini program"
                    case .unknownUser: "unknown user"
                    }
                    return SimulatorResponse.control(.badRequest, ControlMessage(ok: false, error: message))
                }
            }
        }
        // A phone scanning a scene QR code: the push WeChat would send, delivered to the
        // Official Account's server URL when one is configured (WeChatSimulator+PushDelivery).
        router.post("_simulator/scan") { request, _ in
            await self.scanAndDeliver(request)
        }
        router.post("_simulator/clock/advance") { request, _ in
            await self.decodeControl(ClockAdvanceRequest.self, request) { body in
                guard body.seconds.isFinite else {
                    return SimulatorResponse.control(.badRequest, ControlMessage(ok: false, error: "seconds must be finite"))
                }
                do throws(SimulatorError) {
                    try self.advanceClock(bySeconds: body.seconds)
                } catch {
                    return SimulatorResponse.control(.conflict, ControlMessage(ok: false, error: error.description))
                }
                return SimulatorResponse.control(.ok, ClockState(now: self.clock.now.timeIntervalSince1970))
            }
        }
    }

    private func decodeControl<Body: Decodable>(
        _ type: Body.Type,
        _ request: Request,
        _ handle: (Body) -> Response
    ) async -> Response {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.maxFormBytes)
        } catch {
            return SimulatorResponse.control(.contentTooLarge, ControlMessage(ok: false, error: "body too large"))
        }
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView))
        } catch {
            return SimulatorResponse.control(.badRequest, ControlMessage(ok: false, error: "invalid JSON body: \(error)"))
        }
        return handle(body)
    }
}
