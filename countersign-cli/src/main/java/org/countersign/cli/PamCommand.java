package org.countersign.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.countersign.cli.pam.PamLogin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code countersign pam}: the Linux login step for {@code pam_exec.so} (C-U1). The work is in {@link PamLogin},
 * which also runs alone from {@code countersign-pam.jar} so a login prompt does not wait for the whole server to
 * load (docs/pam.md).
 */
@Command(name = "pam", mixinStandardHelpOptions = true,
        description = "Sign a Linux login in with the out-of-band authenticator (run by pam_exec.so with the stdout "
                + "option; reads PAM_USER, PAM_RHOST, PAM_SERVICE, PAM_TTY). Exit 0 only when the phone approved.")
final class PamCommand implements Callable<Integer> {
    @Option(names = {"--config", "-c"}, paramLabel = "FILE",
            description = "Configuration file, mode 0600 (default /etc/countersign/pam.conf)")
    Path config;

    @Option(names = "--stage", paramLabel = "request|wait",
            description = "For sshd: request shows the code and ends, wait (after a prompt) waits for the phone "
                    + "(docs/pam.md); default: both in one")
    String stage;

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>();
        if (config != null) {
            args.add("--config");
            args.add(config.toString());
        }
        if (stage != null) {
            args.add("--stage");
            args.add(stage);
        }
        return PamLogin.run(args.toArray(String[]::new), System.getenv(), System.out);
    }
}
