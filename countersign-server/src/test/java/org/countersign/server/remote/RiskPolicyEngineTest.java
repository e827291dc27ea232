package org.countersign.server.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.countersign.biometrics.liveness.Action;
import org.junit.jupiter.api.Test;

/** The decision logic of X.1279 §7.3.5 / §8.2.x step 4 (A-S5): which rules fire and what they change. */
class RiskPolicyEngineTest {
    private final RiskPolicyEngine engine = new RiskPolicyEngine(new SecureRandom());
    private final RiskPolicy policy = RiskPolicy.defaults();

    private static RiskSignals.Device knownPhone() {
        return new RiskSignals.Device(true, false, false, "android", "14");
    }

    private static RiskSignals.User calmUser() {
        return new RiskSignals.User(0, false, Optional.of(Duration.ofDays(1)));
    }

    private static List<String> ids(RiskDecision d) {
        return d.rules().stream().map(RiskDecision.FiredRule::id).toList();
    }

    @Test
    void X1279_7_3_5_lowRiskAuthentication_baseActionsOnly_noRuleFires() {
        RiskDecision d = engine.decide(policy, new RiskSignals(Operation.AUTHENTICATE, knownPhone(), calmUser(),
                OptionalLong.empty()));
        assertThat(d.rules()).isEmpty();
        assertThat(d.actions()).hasSize(1);
        assertThat(d.biometricType()).isEqualTo("FACE");
        assertThat(d.padRequired()).isTrue();
        assertThat(d.secondModalityRequired()).isFalse();
        assertThat(d.timeLimitMillis()).isEqualTo(policy.baseTimeLimitMillis() + policy.perActionMillis());
    }

    @Test
    void deviceRisk_emulatorRootedNewOutdated_raiseActionsAndRequireSecondModality() {
        RiskDecision d = engine.decide(policy, new RiskSignals(Operation.AUTHENTICATE,
                new RiskSignals.Device(false, true, true, "Android", "9"), calmUser(), OptionalLong.empty()));
        assertThat(ids(d)).containsExactly("device.emulator", "device.rooted", "device.new", "device.osOutdated",
                "policy.actionsExhausted");
        assertThat(d.actions()).hasSize(4);
        assertThat(d.secondModalityRequired()).isTrue();
    }

    @Test
    void emulator_refusedOutright_whenTheTenantSaysSo() {
        RiskPolicy strict = new RiskPolicy(1, 1, 4, List.of(Action.values()), 8000, 4000, Map.of(), 2, 4, 60, 90,
                1000, 10000, true);
        assertThatThrownBy(() -> engine.decide(strict, new RiskSignals(Operation.AUTHENTICATE,
                new RiskSignals.Device(true, true, false, "", ""), calmUser(), OptionalLong.empty())))
                .isInstanceOfSatisfying(RemoteException.class, e -> assertThat(e.kind())
                        .isEqualTo(RemoteException.Kind.DEVICE_REFUSED));
    }

    @Test
    void userRisk_failuresNewNetworkDormant_andOperationRisk_valueAndDeregistration() {
        RiskDecision d = engine.decide(policy, new RiskSignals(Operation.DEREGISTER, knownPhone(),
                new RiskSignals.User(4, true, Optional.empty()), OptionalLong.of(20_000)));
        assertThat(ids(d)).containsExactly("operation.deregistration", "user.recentFailures",
                "user.repeatedFailures", "user.newNetwork", "user.dormant", "operation.highValue",
                "operation.secondModalityValue", "policy.actionsExhausted");
        assertThat(d.secondModalityRequired()).isTrue();
        assertThat(d.actions()).hasSize(4).doesNotHaveDuplicates();
    }

    @Test
    void registration_addsAnAction_butIsNeverCalledDormant() {
        RiskDecision d = engine.decide(policy, new RiskSignals(Operation.REGISTER, knownPhone(),
                new RiskSignals.User(0, false, Optional.empty()), OptionalLong.empty()));
        assertThat(ids(d)).containsExactly("operation.registration");
        assertThat(d.actions()).hasSize(2);
    }

    @Test
    void actions_drawnOnlyFromTheAllowedSet_inEveryOrder() {
        RiskPolicy two = policy.withAllowedActions(List.of(Action.BLINK, Action.SHAKE), 2, 2, 2);
        Set<List<Action>> orders = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            orders.add(engine.decide(two, new RiskSignals(Operation.AUTHENTICATE, knownPhone(), calmUser(),
                    OptionalLong.empty())).actions());
        }
        assertThat(orders).containsExactlyInAnyOrder(List.of(Action.BLINK, Action.SHAKE),
                List.of(Action.SHAKE, Action.BLINK));
    }

    /** Base, minimum and floor plus every fired rule's actions: what the decision must ask for. */
    private static int wanted(RiskPolicy p, RiskDecision d) {
        return Math.max(p.baseActions(), Math.max(p.minActions(), RiskPolicyEngine.ACTION_FLOOR))
                + d.rules().stream().mapToInt(RiskDecision.FiredRule::extraActions).sum();
    }

    @Test
    void issue11_riskRulesAreNeverCancelledByTheTenantCap() {
        // The attack: a tenant sets maxActions 1 so that every risk rule is undone by the cap. Registration from a
        // new device on a new network fires three rules; all three actions must be asked on top of the base.
        RiskPolicy capped = policy.withAllowedActions(List.of(Action.values()), 1, 1, 1);
        RiskDecision d = engine.decide(capped, new RiskSignals(Operation.REGISTER,
                new RiskSignals.Device(false, false, false, "android", "14"),
                new RiskSignals.User(0, true, Optional.empty()), OptionalLong.empty()));
        assertThat(ids(d)).containsExactly("operation.registration", "device.new", "user.newNetwork");
        assertThat(d.rules()).allSatisfy(r -> assertThat(r.extraActions()).isNotNegative());
        assertThat(d.actions()).hasSize(4).hasSize(wanted(capped, d)).doesNotHaveDuplicates();
        assertThat(d.secondModalityRequired()).isFalse();
        assertThat(d.timeLimitMillis()).isEqualTo(capped.baseTimeLimitMillis() + 4 * capped.perActionMillis());
    }

    @Test
    void issue11_moreActionsThanTheTenantAllows_allAllowedAreAsked_andASecondModalityIsRequired() {
        RiskPolicy two = policy.withAllowedActions(List.of(Action.BLINK, Action.NOD), 1, 1, 1);
        RiskDecision d = engine.decide(two, new RiskSignals(Operation.REGISTER,
                new RiskSignals.Device(false, false, false, "android", "14"), calmUser(), OptionalLong.empty()));
        assertThat(wanted(two, d)).isEqualTo(3);
        assertThat(d.actions()).containsExactlyInAnyOrder(Action.BLINK, Action.NOD);
        assertThat(ids(d)).containsExactly("operation.registration", "device.new", "policy.actionsExhausted");
        assertThat(d.rules().get(2).extraActions()).isZero();
        assertThat(d.secondModalityRequired()).isTrue();
        // With room for every action the same signals need no second modality.
        RiskDecision roomy = engine.decide(policy, new RiskSignals(Operation.REGISTER,
                new RiskSignals.Device(false, false, false, "android", "14"), calmUser(), OptionalLong.empty()));
        assertThat(roomy.actions()).hasSize(3);
        assertThat(roomy.secondModalityRequired()).isFalse();
    }

    @Test
    void policyValidation_refusesImpossibleSettings() {
        assertThatThrownBy(() -> new RiskPolicy(5, 0, 4, List.of(Action.BLINK), 8000, 0, Map.of(), 1, 1, 1, 1, 0, 0,
                false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RiskPolicy(1, 2, 2, List.of(Action.BLINK), 8000, 0, Map.of(), 1, 1, 1, 1, 0, 0,
                false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RiskPolicy(0, 0, 0, List.of(Action.BLINK), 8000, 0, Map.of(), 1, 1, 1, 1, 0, 0,
                false)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RiskPolicyEngine.compareVersions("14.1", "14")).isPositive();
        assertThat(RiskPolicyEngine.compareVersions("", "12")).isNegative();
    }
}
