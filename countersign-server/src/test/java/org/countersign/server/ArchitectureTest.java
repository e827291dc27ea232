package org.countersign.server;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.conditions.ArchPredicates.are;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;
import org.countersign.server.failure.FlowFailure;

/**
 * The rules of DESIGN.md ("Rules") that the compiler cannot keep: the protocol and biometric cores know no web
 * framework or database; services and stores know nothing of HTTP (the edge maps their failures to problems);
 * each flow has one failure type; {@code internal} packages stay inside their module.
 */
@AnalyzeClasses(packages = "org.countersign", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * The HTTP edge: the http, web and tls packages; route registrations, module wiring and request or response
     * bodies (they validate with {@code http.Validate}), with their nested types; the node's assembly; and the one
     * test seam that reads a request.
     */
    private static final Set<String> EDGE_SUFFIXES = Set.of("Routes", "Module", "Pages", "Messages");
    private static final Set<String> EDGE_CLASSES = Set.of(Countersign.class.getName(), ServerContext.class.getName(),
            "org.countersign.server.oob.AuthenticatorAddress");
    private static final DescribedPredicate<JavaClass> HTTP_EDGE = resideInAnyPackage("org.countersign.server.http..",
            "org.countersign.server.web..", "org.countersign.server.tls..")
            .or(DescribedPredicate.describe("route, module or message classes", c -> {
                JavaClass top = topLevel(c);
                return EDGE_CLASSES.contains(top.getName())
                        || EDGE_SUFFIXES.stream().anyMatch(top.getSimpleName()::endsWith);
            }))
            .as("the HTTP edge");

    private static JavaClass topLevel(JavaClass c) {
        JavaClass top = c;
        while (top.getEnclosingClass().isPresent()) {
            top = top.getEnclosingClass().get();
        }
        return top;
    }

    @ArchTest
    static final ArchRule servicesAndStoresKnowNothingOfHttp = noClasses()
            .that().resideInAPackage("org.countersign.server..").and(are(not(HTTP_EDGE)))
            .should().dependOnClassesThat().resideInAnyPackage("org.countersign.server.http..", "io.javalin..",
                    "org.eclipse.jetty..")
            .because("services fail with their flow's FlowFailure and the HTTP edge alone maps it to a problem");

    @ArchTest
    static final ArchRule eachFlowHasOneFinalFailureType = classes()
            .that().areAssignableTo(FlowFailure.class).and().doNotHaveModifier(JavaModifier.ABSTRACT)
            .should().haveNameMatching("org\\.countersign\\.server\\.(oob\\.OobFailure|remote\\.RemoteException"
                    + "|local\\.LocalFailure|tenant\\.AdminFailure)")
            .andShould().haveModifier(JavaModifier.FINAL)
            .because("http.FailureProblems maps exactly these four; a fifth would reach clients as a 500");

    @ArchTest
    static final ArchRule coresKnowNoFrameworkOrDatabase = noClasses()
            .that().resideInAnyPackage("org.countersign.core..", "org.countersign.biometrics..")
            .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "org.eclipse.jetty..", "java.sql..",
                    "javax.sql..", "org.postgresql..", "com.zaxxer..", "org.flywaydb..", "org.countersign.server..")
            .because("core and biometrics are libraries the clients, CLI and server share (DESIGN.md, Rules)");

    @ArchTest
    static final ArchRule coreKnowsNoJsonMapper = noClasses()
            .that().resideInAPackage("org.countersign.core..")
            .and().resideOutsideOfPackage("org.countersign.core.client..")
            .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson.databind..")
            .because("core defines its own canonical encodings; JSON mapping belongs to the modules that speak it —"
                    + " the one exception is core.client, the verifier's JSON problem documents as every client reads them");

    @ArchTest
    static final ArchRule internalPackagesStayInTheirModule = classes()
            .that().resideInAPackage("org.countersign..internal..")
            .should(beUsedOnlyInsideTheirModule());

    @ArchTest
    static final ArchRule outOfBandFlowReachesTheDatabaseOnlyThroughItsPorts = noClasses()
            .that().haveNameMatching("org\\.countersign\\.server\\.oob\\.(OutOfBandService|OobRequestFlow|EnrolmentCodes"
                    + "|AuthenticatorSignatures|RelayGuard)(\\$.*)?")
            .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("org.countersign.server.store.Jdbc")
            .orShould().dependOnClassesThat().haveSimpleNameStartingWith("Jdbc")
            .orShould().dependOnClassesThat().haveNameMatching(
                    "org\\.countersign\\.server\\.(users\\.UserRepository|audit\\.AuditLog)(\\$.*)?")
            .because("the X.1280 flow and its rules speak to ports (OobStore, EnrolmentCodeStore, UsedSignatureStore,"
                    + " UserDirectory, AuditTrail), so the whole service also runs on the in-memory twins; the SQL"
                    + " stays in the Jdbc* classes and the repositories");

    /** org.countersign.&lt;module&gt; is the module of a package (core, biometrics, server, agent, ...). */
    private static String moduleOf(String packageName) {
        String[] parts = packageName.split("\\.");
        return parts.length >= 3 ? parts[0] + "." + parts[1] + "." + parts[2] : packageName;
    }

    private static ArchCondition<JavaClass> beUsedOnlyInsideTheirModule() {
        return new ArchCondition<>("be used only inside their module") {
            @Override
            public void check(JavaClass target, ConditionEvents events) {
                String module = moduleOf(target.getPackageName());
                for (Dependency d : target.getDirectDependenciesToSelf()) {
                    if (!moduleOf(d.getOriginClass().getPackageName()).equals(module)) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                }
            }
        };
    }
}
