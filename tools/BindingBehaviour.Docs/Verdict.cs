namespace BindingBehaviour.Docs;

/// <summary>
/// How a cell of the docs stands, in three grades never mixed: observed by a run (and then it holds, differs or was
/// skipped), attested by a public test on that OS, or expected only; or the claim does not apply.
/// </summary>
internal enum Verdict
{
    Holds,
    Differs,
    Skipped,
    Attested,
    ExpectedOnly,
    NotApplicable,
}
