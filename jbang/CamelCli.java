///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//REPOS mavencentral
//DEPS org.apache.camel:camel-bom:4.18.0@pom
//DEPS org.apache.camel:camel-jbang-core:4.17.0
//DEPS org.apache.camel:camel-jbang-console:4.17.0

import org.apache.camel.dsl.jbang.core.commands.CamelJBangMain;

/** The Camel CLI ({@code camel run …}) as a one-file JBang script: camel-jbang-core from Maven Central. */
public class CamelCli {
    public static void main(String... args) {
        CamelJBangMain.run(args);
    }
}
