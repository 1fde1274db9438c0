namespace BindingBehaviour;

/// <summary>The step of an attempt at which the OS refused it.</summary>
public enum Step
{
    Create,
    SetOption,
    Bind,
    Listen,
    Connect,
    Send,
    Receive,
}
