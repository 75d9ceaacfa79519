// A minimal iOS help panel over the inscene SDK (SwiftUI). Uses the Swift package in
// bindings/ios (module InScene). Untested here: there is no Swift toolchain on our CI; the
// same generated API is exercised through Kotlin and Python in scripts/test-all.sh.
import Foundation
import InScene
import SwiftUI

/// Forwards analytics events to the app's pipeline.
final class Analytics: EventSink {
    func onEvent(eventJson: String) { print("help event:", eventJson) }
}

private func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

@MainActor
final class HelpModel: ObservableObject {
    let catalog: HelpCatalog
    let contextJson: String
    let performAction: (String, String) async -> Bool
    let onHandoff: (String) -> Void
    @Published var suggestions: [Suggestion] = []
    @Published var crisis: Crisis?
    /// Crisis resources a session's effect asked to show, above everything.
    @Published var crisisResources: String?
    @Published var view: StepView?
    @Published var errorCode: String?
    private var session: HelpSession?

    init(catalog: HelpCatalog, contextJson: String,
         performAction: @escaping (String, String) async -> Bool, onHandoff: @escaping (String) -> Void) {
        self.catalog = catalog
        self.contextJson = contextJson
        self.performAction = performAction
        self.onHandoff = onHandoff
        do {
            let found = try catalog.resolve(contextJson: contextJson, now: now())
            suggestions = found.suggestions
            crisis = found.crisis
        } catch HelpError.Failed(let code, _, _) {
            errorCode = code
        } catch {
            errorCode = "internal"
        }
    }

    func start(_ s: Suggestion) {
        run {
            let started = try self.catalog.startSession(sessionId: UUID().uuidString, scenario: s.scenario, flow: nil,
                                                        contextJson: self.contextJson, now: now(), sink: Analytics())
            self.session = started
            return started.view(now: now())
        }
    }

    func send(_ input: @escaping (HelpSession) throws -> StepView) {
        guard let session else { return }
        run { try input(session) }
    }

    private func run(_ step: @escaping () throws -> StepView) {
        do { show(try step()) } catch HelpError.Failed(let code, _, _) { errorCode = code } catch { errorCode = "internal" }
    }

    /// What the help desk says of the handoff, as the app's backend relays it (for django-helpdesk or
    /// Bot Framework, `inscene handoff status` reads the desk's reply into these fields). The session
    /// moves the route on after a failure; the packet is not handed over again.
    func deskSays(state: String, position: UInt64? = nil, waitSeconds: UInt64? = nil, reason: String? = nil) {
        guard let session else { return }
        do {
            show(try session.deskStatus(state: state, position: position, waitSeconds: waitSeconds, reason: reason, now: now()))
        } catch HelpError.Failed(let code, _, _) {
            errorCode = code
        } catch {
            errorCode = "internal"
        }
    }

    /// One loop over what the core decided: each effect comes once, on the transition that caused
    /// it, so a refresh of the view never hands the packet over twice.
    private func show(_ next: StepView) {
        view = next
        for effect in session?.takeEffects() ?? [] {
            switch effect {
            case .handOff(let packetJson):
                onHandoff(packetJson)
            case .showCrisis(_, let resources):
                crisisResources = resources
            case .performAction(let request, _):
                Task {
                    let ok = await performAction(request.action, request.paramsJson)
                    send { try $0.actionResult(outcome: ok ? .success : .failure, dataJson: nil, now: now()) }
                }
            }
        }
    }
}

struct HelpPanel: View {
    @StateObject var model: HelpModel

    var body: some View {
        VStack(alignment: .leading, spacing: 12) {
            if let resources = model.crisisResources { Text(resources) } // crisis resources first
            if let view = model.view {
                Text(view.text) // plain text, never markup
                if view.kind == "message" { Button("Continue") { model.send { try $0.next(now: now()) } } }
                ForEach(view.options, id: \.id) { option in
                    Button(option.label) { model.send { try $0.choose(option: option.id, now: now()) } }
                }
                if view.status == .resolved && view.askFeedback {
                    Button("This helped") { model.send { try $0.feedback(helpful: true, now: now()) } }
                }
                if let escalation = view.escalation { EscalationStatus(escalation: escalation) }
            } else {
                if let crisis = model.crisis { Text(crisis.resources) }
                ForEach(model.suggestions, id: \.scenario) { s in Button(s.title) { model.start(s) } }
            }
            if let code = model.errorCode { Text("Something went wrong (\(code))") }
            if model.view?.escalation == nil {
                // A person is always one tap away; prominent when the policy recommends it.
                Button(model.view?.human.prominent == true ? "Talk to a person now" : "Talk to a person") {
                    model.send { try $0.askHuman(now: now()) }
                }
                .buttonStyle(.borderedProminent)
            }
        }
        .padding()
        .dynamicTypeSize(...DynamicTypeSize.accessibility3) // large text for elderly users
    }
}

/// The escalation's own route and the desk's latest word, as the session gives them.
struct EscalationStatus: View {
    let escalation: EscalationView

    private var minutes: UInt64? { escalation.waitSeconds.map { ($0 + 59) / 60 } }

    var body: some View {
        switch escalation.desk?.state {
        case "queued":
            let place = escalation.desk?.position.map { "You are number \($0) in the queue." } ?? "You are in the queue."
            Text([place, minutes.map { "About \($0) min." }].compactMap { $0 }.joined(separator: " "))
        case "accepted":
            Text("A person has joined.")
        case "completed":
            Text("The person has finished helping you.")
        default:
            // Not yet reported, or failed: the session already offers the next route.
            if let opens = escalation.opensAt {
                Text("Our team answers again from \(Date(timeIntervalSince1970: TimeInterval(opens)).formatted()).")
            }
            Text("We will reach you by \(escalation.channels.map(channelName).joined(separator: " or ")).")
            if let minutes { Text("About \(minutes) min.") }
        }
    }

    private func channelName(_ channel: String) -> String {
        switch channel {
        case "chat": return "chat"
        case "voice": return "phone"
        case "video": return "video call"
        case "callback": return "a call back"
        default: return "a message"
        }
    }
}
