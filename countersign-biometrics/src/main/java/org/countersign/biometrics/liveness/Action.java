package org.countersign.biometrics.liveness;

/**
 * An action the server asks the user to perform in front of the camera (X.1279 7.3.2 lists nodding, shaking the
 * head, blinking and opening the mouth). Names are stable: they travel to clients in challenges.
 */
public enum Action {
    /** Tilt the head down (or up) and back: a pitch excursion from the session's baseline and a return. */
    NOD,
    /** Turn the head to one side and to the other: yaw excursions of both signs from the baseline. */
    SHAKE,
    /** Close both eyes briefly: the eye-state model or the eye aspect ratio leaves the open-eye baseline. */
    BLINK,
    /** Open the mouth: the inner-lip aspect ratio rises above its baseline. */
    OPEN_MOUTH
}
