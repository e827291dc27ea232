package org.countersign.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.countersign.server.config.Setting;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;

/** The {@code countersign} executable: one entry point for the server, operator tools and clients. */
@Command(name = "countersign", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Countersign authentication server: out-of-band server authentication (ITU-T X.1280), "
                + "remote and local biometric authentication (ITU-T X.1279, ISO/IEC 27553).",
        subcommands = {ServeCommand.class, AuditCommand.class, KeysCommand.class, EvaluateCommand.class,
                AttackKitCommand.class,
                AuthenticatorCommand.class, SampleBankCommand.class,
                RemoteCommands.Enrol.class, RemoteCommands.EnrolAlias.class, RemoteCommands.Authenticate.class, RemoteCommands.Deregister.class,
                ImportCommand.class, PamCommand.class,
                AdminCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree, with {@code serve}'s options generated from the one settings table. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        addSettingOptions(cl.getSubcommands().get("serve").getCommandSpec(), true);
        addSettingOptions(cl.getSubcommands().get("audit").getSubcommands().get("verify").getCommandSpec(), false);
        addSettingOptions(cl.getSubcommands().get("keys").getSubcommands().get("rotate").getCommandSpec(), false);
        addSettingOptions(cl.getSubcommands().get("import").getCommandSpec(), false);
        addSettingOptions(cl.getSubcommands().get("admin").getSubcommands().get("new-key").getCommandSpec(), false);
        HelpLayout.install(cl);
        return cl;
    }

    static void addSettingOptions(CommandLine.Model.CommandSpec spec, boolean all) {
        for (Setting s : Setting.ALL) {
            if (!all && !StoreAccess.STORE_SETTINGS.contains(s.key())) {
                continue;
            }
            OptionSpec.Builder b = OptionSpec.builder(s.flag())
                    .description(s.description() + " [env " + s.environmentVariable()
                            + (s.defaultValue().isEmpty() ? "" : ", default " + s.defaultValue()) + "]");
            if (s.isSwitch()) {
                b.arity("0..1").type(String.class).fallbackValue("true").paramLabel("true|false");
            } else {
                b.type(String.class).paramLabel("<" + s.key() + ">");
            }
            spec.addOption(b.build());
        }
    }

    /** No command given: a mistake, so the short usage and the command list on stderr, and a failing exit code. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println(HelpLayout.shortUsage(spec));
        err.print(HelpLayout.reflow(spec.commandLine().getHelp().commandList(), HelpLayout.WIDTH));
        err.println("Run 'countersign COMMAND --help' for a command's options.");
        err.flush();
        return HelpLayout.EXIT_USAGE;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"countersign " + org.countersign.server.Countersign.VERSION};
        }
    }
}
