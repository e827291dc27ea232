/**
 * Checks that tie a capture to the moment it was taken, on top of the liveness judge: {@link
 * org.countersign.biometrics.liveness.timing.PromptTiming} (each action starts shortly after a prompt the server
 * showed at a moment it chose) and {@link org.countersign.biometrics.liveness.timing.ScreenLightCheck} (the face's
 * colour follows a random sequence the screen flashed). A recording made before the challenge knows neither
 * (X.1279 Appendix III: the challenge must be unpredictable and answered live).
 */
package org.countersign.biometrics.liveness.timing;
