package org.countersign.server.remote;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.countersign.biometrics.liveness.Action;
import org.countersign.biometrics.liveness.LivenessChallenge;

/**
 * The decision logic of X.1279 §7.3.5 (A-S5): from risk data to biometric type, number and random order of
 * actions, time limit, PAD and second-modality requirements. Every rule that contributes is listed in the
 * decision, so the RP and an auditor can see why a user was asked for three actions instead of one.
 *
 * <p>Unpredictability matters more than the count: the order is drawn with {@link SecureRandom} so that a
 * recording prepared in advance is unlikely to show the requested actions in the requested order
 * (X.1279 App. III items 1 and 4).
 */
public final class RiskPolicyEngine {
    /**
     * The fewest actions a remote registration or authentication asks for, whatever the tenant policy says: a
     * policy can raise it, never go below it, and a zero-action policy is refused (X.1279 App. III: with no action,
     * a held photo or a recording faces only the passive checks). It is the judge's own floor, so the two can never
     * disagree.
     */
    public static final int ACTION_FLOOR = LivenessChallenge.MINIMUM_ACTIONS;

    private final SecureRandom random;

    public RiskPolicyEngine(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Decides for one request.
     *
     * @throws RemoteException {@code DEVICE_REFUSED} when the policy refuses the device outright
     */
    public RiskDecision decide(RiskPolicy policy, RiskSignals s) {
        List<RiskDecision.FiredRule> fired = new ArrayList<>();
        boolean second = false;

        switch (s.operation()) {
            case REGISTER -> fired.add(rule("operation.registration", 1,
                    "a registration sets the reference every later decision rests on"));
            case DEREGISTER -> fired.add(rule("operation.deregistration", 1,
                    "removing the reference must not be possible with a weak proof"));
            case AUTHENTICATE -> { }
        }
        RiskSignals.Device d = s.device();
        if (d.emulator()) {
            if (policy.refuseEmulators()) {
                throw new RemoteException(RemoteException.Kind.DEVICE_REFUSED,
                        "this relying party does not accept captures from emulators");
            }
            fired.add(rule("device.emulator", 2, "an emulator can inject any camera stream"));
            second = true;
        }
        if (d.rooted()) {
            fired.add(rule("device.rooted", 1, "a rooted system can tamper with the capture client"));
            second = true;
        }
        if (!d.knownDevice()) {
            fired.add(rule("device.new", 1, "no accepted operation from this device yet"));
        }
        String minOs = policy.minOsVersions().get(d.osName().toLowerCase(Locale.ROOT));
        if (minOs != null && compareVersions(d.osVersion(), minOs) < 0) {
            fired.add(rule("device.osOutdated", 1, "operating system older than " + d.osName() + " " + minOs
                    + " (X.1279 §9.1: keep the OS current)"));
        }
        RiskSignals.User u = s.user();
        if (u.recentFailures() >= policy.failuresForExtraAction()) {
            fired.add(rule("user.recentFailures", 1, u.recentFailures() + " refused attempts in the last "
                    + policy.failureWindowMinutes() + " minutes"));
        }
        if (u.recentFailures() >= policy.failuresForSecondModality()) {
            fired.add(rule("user.repeatedFailures", 0, "too many refused attempts: a second modality is required"));
            second = true;
        }
        if (u.newNetwork()) {
            fired.add(rule("user.newNetwork", 1, "no accepted operation from this network before"));
        }
        Duration dormant = Duration.ofDays(policy.dormantAfterDays());
        if (s.operation() != Operation.REGISTER
                && (u.sinceLastSuccess().isEmpty() || u.sinceLastSuccess().get().compareTo(dormant) > 0)) {
            fired.add(rule("user.dormant", 1, "no accepted operation in the last " + policy.dormantAfterDays()
                    + " days"));
        }
        if (s.value().isPresent() && s.value().getAsLong() >= policy.highValue()) {
            fired.add(rule("operation.highValue", 1, "transaction value at or above " + policy.highValue()));
        }
        if (s.rp().extraActions() > 0) {
            fired.add(rule("rp.risk", s.rp().extraActions(), "the relying party's own risk data asks for "
                    + s.rp().extraActions() + " more action(s)"));
        }
        if (s.rp().secondModality()) {
            fired.add(rule("rp.secondModality", 0, "the relying party requires a second factor"));
            second = true;
        }
        if (s.value().isPresent() && s.value().getAsLong() >= policy.secondModalityValue()) {
            fired.add(rule("operation.secondModalityValue", 0, "transaction value at or above "
                    + policy.secondModalityValue() + ": a second modality is required"));
            second = true;
        }
        // A-S5, X.1279 App. III item 1: the floor, the tenant's base and minimum and every fired rule's actions are
        // all drawn; no cap removes what a rule added (a cap that does would let a tenant switch risk rules off).
        // Only the number of distinct allowed actions bounds the count: what does not fit is asked as a second
        // modality instead.
        int count = Math.max(policy.baseActions(), Math.max(policy.minActions(), ACTION_FLOOR));
        for (RiskDecision.FiredRule r : fired) {
            count += r.extraActions();
        }
        int available = policy.allowedActions().size();
        if (count > available) {
            fired.add(rule("policy.actionsExhausted", 0, "the rules ask for " + count + " actions but only "
                    + available + " distinct ones are allowed: all are asked, and a second modality is required"
                    + " for the " + (count - available) + " that cannot be"));
            second = true;
            count = available;
        }
        List<Action> actions = pick(policy.allowedActions(), count);
        int limit = policy.baseTimeLimitMillis() + policy.perActionMillis() * count;
        return new RiskDecision("FACE", actions, limit, true, second, fired);
    }

    /** A uniformly random ordered selection (Fisher-Yates on a copy). */
    private List<Action> pick(List<Action> allowed, int count) {
        List<Action> pool = new ArrayList<>(allowed);
        for (int i = pool.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Action t = pool.get(i);
            pool.set(i, pool.get(j));
            pool.set(j, t);
        }
        return List.copyOf(pool.subList(0, count));
    }

    private static RiskDecision.FiredRule rule(String id, int extra, String detail) {
        return new RiskDecision.FiredRule(id, extra, detail);
    }

    /** Compares dotted numeric versions; a missing or non-numeric part counts as 0, so "" is the oldest. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? number(x[i]) : 0;
            int q = i < y.length ? number(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }

    private static int number(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
