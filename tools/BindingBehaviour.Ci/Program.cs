using BindingBehaviour.Ci;

// What .ci/run asks of a finished run, in the project's language: the shell script keeps users, namespaces, sysctls
// and concurrency. Usage errors exit 2 with one line on stderr.
return args switch
{
    ["summary", var folder] => TrxSummary.Run(folder, label: null),
    ["summary", var folder, var label] => TrxSummary.Run(folder, label),
    ["descriptors", var runDirectory, var label] => DescriptorJudge.Run(runDirectory, label, expectProof: false),
    ["descriptors", var runDirectory, var label, "--expect-proof"] => DescriptorJudge.Run(runDirectory, label, expectProof: true),
    ["coverage", var folder] => Coverage.Run(folder),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: bindingbehaviour-ci summary DIR [LABEL]                      N passed, N failed, N skipped over the TRX files below DIR
               bindingbehaviour-ci descriptors RUN_DIR LABEL [--expect-proof]  judge RUN_DIR/descriptors.json
               bindingbehaviour-ci coverage DIR                             line coverage per assembly from coverlet's Cobertura files
        """);
    return 2;
}
