"""Words that are not names, for the name and street patterns of ``privacy.redact``.

Without a named-entity model, "call me Jane" and "call me back" differ only in
the word after the cue; these lists say which words are ordinary English (or this
assistant's procedure words), so the text after a weak cue ("call me", "this is")
is taken as a name only when it is none of them. After a strong cue ("my name
is", "I'm called") the first word is a name unless it is one of
``NOT_A_NAME_AFTER_STRONG_CUE`` ("my name is spelt wrong", "I'm called in at 8").

Lower case; compare ``word.lower()``.
"""

def _words(text: str) -> frozenset:
    return frozenset(text.split())


# What can follow "my name is" / "I'm called" without being a name. Not "will" or "may": after a
# strong cue they are names.
NOT_A_NAME_AFTER_STRONG_CUE = _words("""
    a an the this that it not no on in at to into onto up down out off over by for from with of
    about after before back again also still just already now then here there and or but so
    because if when while what which who why how where wrong right correct incorrect spelt
    spelled misspelt misspelled written printed different changed missing listed
    is was be been being am are were do does did done have has had having get got getting going
    gone coming come
    my your his her their our its me you him them us i i'm im
    first last next second third full real legal proper actual same other new old
    early late later soon today tomorrow tonight again once twice every each around only always
    never often sometimes usually
    ok okay fine please sorry thanks thank yes yeah yep nope
    mentioned shown used needed required given known unknown
    """)

# Ordinary words: never taken as a name after a weak cue, nor as the rest of a name.
ORDINARY_WORDS = NOT_A_NAME_AFTER_STRONG_CUE | _words("""
    will would can could should may might must shall
    all any some every each both either neither none nothing something anything everything
    someone anyone everyone somebody anybody nobody one two three four five six seven eight nine ten
    more most less least much many few lot lots very really quite too enough only even ever never
    always often sometimes usually soon later today tonight tomorrow yesterday tmrw tmr asap pls plz
    morning afternoon evening night week weekend month year day days weeks months years hours
    minutes time times moment while
    again instead directly urgently immediately quickly straight away anyway though although
    as than like unlike such since until till unless whether whose whom
    let lets make made take took taken give gave see saw seen say said tell told ask asked
    know knew think thought want wanted need feel felt look looks looked seem seems seemed
    mean means meant happen happens happened happening start starts started end ends ended
    call called calling ring text email message phone number
    be it's its that's what's who's he she they we he's she's they're we're you're i've i'd i'll
    isn't aren't wasn't weren't don't doesn't didn't won't can't cannot couldn't shouldn't
    normal usual common rare serious scary frightening worrying worried scared nervous anxious
    painful pain sore safe unsafe dangerous risky urgent important necessary possible impossible
    good bad better worse best worst great nice fine awful terrible okay alright true false
    big small large little long short high low hot cold warm early late quick slow easy hard
    simple complicated clear unclear confusing interesting strange weird odd funny
    happy sad glad sure unsure certain uncertain ready done over finished complete
    about around across along among between through throughout during within without
    under above below behind beside near far inside outside upon toward towards
    mum mom dad mother father son daughter wife husband partner brother sister friend
    family child children baby patient patients carer doctor doctors nurse nurses surgeon
    consultant team clinic hospital ward gp staff someone else
    step steps stage stages part parts bit question questions answer answers thing things
    way ways kind sort type case problem issue reason result results test tests scan scans
    procedure procedures operation surgery treatment thrombectomy venography venogram
    phlebography angiogram angioplasty catheter catheters guidewire wire sheath introducer
    stent stents balloon clot clots thrombus thrombi dvt vein veins artery arteries leg legs
    arm arms groin knee foot feet blood dye contrast x-ray xray xrays fluoroscopy ultrasound
    ivus aspiration fragmentation anaesthetic anesthetic sedation local general recovery
    bandage dressing drape device closure compression iliac may-thurner thurner syndrome
    """)

# Words after a house number that show it is not one ("2 clots close to the knee", "a 3 hour drive"):
# a street name never contains them.
NOT_A_STREET_NAME = _words("""
    a an the this that these those my your his her their our its of in on at to for from with by
    and or but is was are were be it i you we they he she me him them us
    one two three four five six seven eight nine ten more less few many several other
    second seconds sec secs minute minutes min mins hour hours hr hrs day days week weeks month
    months year years time times mile miles km kilometre kilometres metre metres meter meters
    inch inches cm mm ml mg kg lb lbs stone percent step steps stage stages part parts
    clot clots vein veins leg legs stent stents wire wires balloon balloons sheath sheaths
    catheter catheters scan scans test tests dose doses tablet tablets pill pills injection
    injections stitch stitches people patients doctors nurses kids children
    """)

# Titles that may come before a name ("call me Dr Patel"): part of the name, never a name alone.
TITLES = _words("dr dr. doctor mr mr. mrs mrs. ms ms. miss mx mx. prof prof. professor sir dame lady lord")
