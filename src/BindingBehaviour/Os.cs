namespace BindingBehaviour;

/// <summary>The operating systems a claim states an expectation for. Names follow Verify's OS tokens.</summary>
public enum Os
{
    Linux,
    Windows,
    OSX,
}
