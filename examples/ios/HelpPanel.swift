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

    private func show(_ next: StepView) {
        view = next
        if next.status == .escalated, let packet = session?.handoffJson() { onHandoff(packet) }
        if next.status == .active, let action = next.action {
            Task {
                let ok = await performAction(action.action, action.paramsJson)
                send { try $0.actionResult(outcome: ok ? .success : .failure, dataJson: nil, now: now()) }
            }
        }
    }
}

struct HelpPanel: View {
    @StateObject var model: HelpModel

    var body: some View {
        VStack(alignment: .leading, spacing: 12) {
            if let view = model.view {
                Text(view.text) // plain text, never markup
                if view.kind == "message" { Button("Continue") { model.send { try $0.next(now: now()) } } }
                ForEach(view.options, id: \.id) { option in
                    Button(option.label) { model.send { try $0.choose(option: option.id, now: now()) } }
                }
                if view.status == .resolved && view.askFeedback {
                    Button("This helped") { model.send { try $0.feedback(helpful: true, now: now()) } }
                }
            } else {
                if let crisis = model.crisis { Text(crisis.resources) }
                ForEach(model.suggestions, id: \.scenario) { s in Button(s.title) { model.start(s) } }
            }
            if let code = model.errorCode { Text("Something went wrong (\(code))") }
            if model.view?.status != .escalated {
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
