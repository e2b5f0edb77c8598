"""The demo district's school year of spread, as data (demo_spread.py writes it).

Times are fractions of the school year so far (0 = the first weeks, 1 = today; above 1 is
ahead), so the story reads true whenever the demo is seeded. Teachers and hosts are named by
the local part of their demo email. A spark is ("video", teacher) for that teacher's demo
video, ("shared", key) for the video a try of this story was shared back as, ("visit", host)
for the visitor's booking on that host's open classroom, or ("item", teacher) for that
teacher's video in the Start-here collection.

Flexible grouping travels Lakeview -> Maple Grove -> Hillcrest and comes back to Lakeview.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoVisit:
    host: str
    at: float
    hour: int
    focus: str
    room: str
    practices: tuple[str, ...]
    level: str
    # (visitor, what they saw, what they will try)
    visitors: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class DemoCheckIn:
    at: float
    what_happened: str
    evidence: str = ""
    adjust: str = ""


@dataclass(frozen=True)
class DemoShareBack:
    at: float
    title: str
    subject: str
    grade_band: str
    level: str
    visibility: str
    media_from: str  # the demo teacher whose clip the video re-uses
    lines: tuple[str, ...]


@dataclass(frozen=True)
class DemoTry:
    teacher: str
    practice: str
    spark: tuple[str, str]
    start: float
    target: float
    visibility: str
    plan: str
    students: str
    success: str
    check_ins: tuple[DemoCheckIn, ...] = ()
    set_aside: str = ""
    share_back: DemoShareBack | None = None
    key: str = ""


START_HERE = ("priya.shah", "Start here: flexible grouping", "flexible-grouping",
              ("New to flexible grouping? Watch these two in order: one day of groups made from "
              "exit tickets, then the board that keeps centers accountable."),
              ("elena.petrova", "maria.lopez"))

VISITS = (
    DemoVisit("sofia.rossi", 0.22, 10, "Scaffolded writing conferences: scaffold cards matched "
              "to each draft", "Room 214", ("scaffolding-and-acceleration",), "refining",
              (("marcus.johnson", ("Every writer had a different card and nobody waited for her: "
                "the cards did the first conference."),
                "Scaffold cards for document-based writing in my seventh-grade history classes."),)),
    DemoVisit("maria.lopez", 0.28, 13, "Math centers with the must-do / may-do board",
              "Room 9", ("center-time-accountability", "flexible-grouping"), "getting_started",
              (("tom.nguyen", ("The magnets on the board showed Maria who needed her without "
                "anyone raising a hand."), "A must-do / may-do board for my science stations."),
               ("aisha.khan", ("Third graders explained their accountability sheet to me "
                "before I asked."), "Accountability sheets at my literacy centers."))),
    DemoVisit("aisha.khan", 0.38, 9, "Plan-Learn-Check-Adjust goal cards at the reading table",
              "Room 4", ("goal-setting",), "getting_started",
              (("james.carter", ("Kindergarteners holding up red, yellow and green cards and "
                "changing their plan with a buddy."), "Goal cards during guided reading."),)),
)

C = DemoCheckIn
TRIES = (
    DemoTry("james.carter", "flexible-grouping", ("video", "elena.petrova"), 0.06, 0.20,
            "school", "Regroup my guided-reading groups every Friday from running records "
            "instead of keeping September's groups all year.",
            "Second grade, 24 readers, three of them new to English.",
            "No reader stays in a group that no longer fits for more than a week.",
            (C(0.12, "First regrouping: four readers moved up, two moved to the phonics group.",
               "Running records for all 24; 6 changed groups.",
               "Post the groups with pictures so nobody hunts for their table."),
             C(0.18, "Groups settle in a minute now. Two readers asked to move up and were right.",
               "Accuracy up in the middle group from 88% to 93%.",
               "Keep a 'ready to move' sticky note for the readers who ask."),
             C(0.24, "A whole month of Friday groups. Parents noticed the change.",
               "Every reader read at instructional level this week.")),
            share_back=DemoShareBack(
                0.28, "Flexible reading groups from Friday's running records",
                "English language arts", "K-2", "getting_started", "district",
                "elena.petrova",
                ("Every Friday I take a running record with each reader.",
                 "On Monday the groups on the board change with what I heard.",
                 "Readers who are ready move up the same week.",
                 "I learned it from Elena's exit-ticket groups at Lakeview.")),
            key="james-reading-groups"),
    DemoTry("david.kim", "flexible-grouping", ("shared", "james-reading-groups"), 0.34, 0.50,
            "district", "Form lab groups from Thursday's exit ticket, like James does with "
            "running records, instead of letting friends pick partners.",
            "Seventh-grade science, three sections.",
            "Every lab group has one student who can explain the last lab's concept.",
            (C(0.40, "The exit ticket on density sorted the class in ten minutes.",
               "27 of 84 could not explain density; they were spread across groups.",
               "Give each group a named explainer role."),
             C(0.47, "Explainer roles worked; two groups still let one student do everything.",
               "Lab reports: 19 of 21 groups explained their results in their own words.",
               "Rotate the recorder every lab."),
             C(0.53, "Students now ask which exit ticket makes the groups.",
               "Unit test: the lowest quartile up 11 points on the lab items.")),
            share_back=DemoShareBack(
                0.58, "Flexible lab groups from exit tickets", "Science", "6-8", "refining",
                "district", "sofia.rossi",
                ("Thursday's exit ticket decides Friday's lab groups.",
                 "Each group gets a student who can explain last week's concept.",
                 "The recorder role rotates every lab.",
                 "I borrowed the idea from a second-grade reading teacher.")),
            key="david-lab-groups"),
    DemoTry("marcus.johnson", "flexible-grouping", ("shared", "david-lab-groups"), 0.64, 0.80,
            "leaders", "Group my history students for source analysis by the skill their "
            "exit ticket shows, the way David groups his labs.",
            "Eighth-grade US history, two sections of 30.",
            "Students who struggle with sourcing get a mini-lesson while others move ahead.",
            (C(0.72, "Three groups by sourcing skill; the mini-lesson group was the quietest "
               "and the most engaged.", "Sourcing scores: 41% to 63% on the second document set.",
               "Make the extension documents harder: the top group finished early."),
             C(0.86, "Regrouped twice. Students stopped asking who is in the 'smart group'.",
               "63% to 71% on sourcing; 9 students moved groups.",
               "Try it with corroboration next."))),
    DemoTry("tom.nguyen", "flexible-grouping", ("video", "maria.lopez"), 0.16, 0.90,
            "school", "Pull a small group at the lab bench for the one skill the playlist says "
            "they have not mastered yet.", "Fourth-grade science, 26 students.",
            "Every student masters the measurement skill before the unit test.",
            (C(0.25, "The pulled group changed three times in one week.",
               "Measurement mastery: 14 of 26 to 20 of 26."),
             C(0.70, "Groups now run without me at two of the three stations.",
               "Mastery tracker screenshot for the class.",
               "Add a may-do task for students who finish early."))),
    DemoTry("maria.lopez", "goal-setting", ("video", "aisha.khan"), 0.10, 0.30, "district",
            "Start every math block with a Plan-Learn-Check-Adjust goal card, as Aisha does "
            "in kindergarten.", "Fourth-grade math, 27 students.",
            "Students can say their goal and whether they met it, without my prompt.",
            (C(0.15, "Goals were too big: 'get better at fractions'.",
               "5 of 27 goals were checkable.", "Model three small goals before they write."),
             C(0.22, "Smaller goals. The check step with a partner is the favorite part.",
               "21 of 27 goals were checkable."),
             C(0.31, "They adjust the plan themselves now.",
               "Exit tickets: 85% met their own goal.")),
            share_back=DemoShareBack(
                0.36, "Goal cards in fourth-grade math", "Math", "3-5", "getting_started",
                "district", "aisha.khan",
                ("Each math block starts with a goal card.",
                 "Plan, learn, then check with a partner.",
                 "If the goal was not met, we adjust the plan for tomorrow.",
                 "The idea came from Aisha's kindergarten at Cedar Park.")),
            key="maria-goal-cards"),
    DemoTry("elena.petrova", "goal-setting", ("video", "aisha.khan"), 0.20, 0.35, "school",
            "Weekly goal cards in eighth-grade math, checked every Friday.",
            "Two eighth-grade math sections.", "Students track their own unit goals.",
            (C(0.26, "Half the class drew the cards as a joke.",
               "12 of 58 cards were filled in seriously."),
             C(0.33, "Better, but the paper cards feel like elementary school to them.",
               "30 of 58.")),
            set_aside="My eighth graders found paper goal cards childish. I will come back to it "
                      "in the winter term with a goal tracker in our learning platform."),
    DemoTry("sofia.rossi", "goal-setting", ("video", "aisha.khan"), 0.55, 1.13, "district",
            "Writers set one revision goal per draft and check it in the conference.",
            "Seventh-grade ELA, three sections.",
            "Every writer names the goal their revision met.",
            (C(0.62, "Revision goals are specific when they come from my conference notes.",
               "Drafts with a stated goal: 64 of 80."),)),
    DemoTry("james.carter", "goal-setting", ("visit", "aisha.khan"), 0.42, 0.85, "leaders",
            "Goal cards during guided reading, with the red-yellow-green check I saw in "
            "Aisha's room.", "Second grade, guided reading groups.",
            "Readers pick a goal and say if they met it.",
            (C(0.50, "The color cards are quick; the goals are still mine, not theirs.",
               "", "Offer three goals to choose from."),
             C(0.60, "Choosing from three made it theirs.", "18 of 24 chose a goal unprompted."))),
    DemoTry("marcus.johnson", "scaffolding-and-acceleration", ("visit", "sofia.rossi"), 0.26,
            0.40, "district", "Scaffold cards for document-based writing: sentence starters for "
            "some, an evidence push for others.", "Seventh-grade history, 60 students.",
            "Every student cites two documents in the DBQ essay.",
            (C(0.30, "The cards took an evening to make and saved me ten conferences.",
               "Students citing two documents: 22 of 60."),
             C(0.37, "Students ask for the harder card now.", "41 of 60."),
             C(0.41, "The DBQ essays are the best I have had.", "52 of 60 cite two documents.")),
            share_back=DemoShareBack(
                0.46, "Scaffold cards for document-based writing", "Social studies", "6-8",
                "getting_started", "school", "tom.nguyen",
                ("Each writer gets a scaffold card matched to their draft.",
                 "Sentence starters for some, an evidence push for others.",
                 "I saw it in Sofia's writing conferences at Hillcrest.",
                 "Students ask for the harder card when they are ready.")),
            key="marcus-scaffold-cards"),
    DemoTry("tom.nguyen", "center-time-accountability", ("visit", "maria.lopez"), 0.31, 0.45,
            "leaders", "A must-do / may-do board for my science stations.",
            "Fourth-grade science.", "Every station produces something I can check.",
            (C(0.36, "The board works for math centers, but our labs run 45 minutes straight.",
               "3 of 6 stations finished their must-do."),
             C(0.43, "Kept only the accountability sheet.", "Sheets turned in: 25 of 26.")),
            set_aside="The must-do / may-do board did not fit 45-minute labs. I kept the "
                      "accountability sheet, which works on its own."),
    DemoTry("aisha.khan", "center-time-accountability", ("visit", "maria.lopez"), 0.32, 1.00,
            "school", "Accountability sheets at my literacy centers, like Maria's third "
            "graders.", "Kindergarten, five literacy centers.",
            "Each child shows me one thing they made at a center.",
            (C(0.40, "Picture sheets instead of words work for kindergarten.",
               "Sheets with a product: 15 of 22."),
             C(0.80, "The listening center still produces nothing I can see.",
               "", "Add a drawing box to the listening center sheet."))),
    DemoTry("aisha.khan", "blended-learning", ("video", "tom.nguyen"), 0.50, 1.25, "only_me",
            "Try Tom's station rotation with an online reading playlist.",
            "Kindergarten, after winter break.", "Rotations run on the timer without me."),
    DemoTry("elena.petrova", "scaffolding-and-acceleration", ("video", "sofia.rossi"), 0.60,
            1.12, "district", "Scaffold cards for multi-step equations, with an acceleration "
            "card for students at grade level.", "Eighth-grade math.",
            "Students at grade level spend the time on extension problems.",
            (C(0.68, "The acceleration card was the surprise: nine students took it.",
               "Extension problems attempted: 9 of 58."),)),
    DemoTry("david.kim", "data-driven-instruction", ("video", "elena.petrova"), 0.14, 1.10,
            "school", "Sort exit tickets into three piles before I leave and plan the first "
            "ten minutes from them.", "Seventh-grade science.",
            "I re-teach only what the piles say, never the whole class.",
            (C(0.21, "The piles take twelve minutes. Worth it.", "Re-teach group: 8 students."),
             C(0.45, "Doing it three times a week now.", "", "Use a sheet, not piles."))),
    DemoTry("maria.lopez", "differentiation", ("video", "sofia.rossi"), 0.82, 1.45, "only_me",
            "Sofia's scaffold cards, for word problems.", "Fourth-grade math, in January.",
            "Students choose the card they need."),
    DemoTry("sofia.rossi", "flexible-grouping", ("item", "elena.petrova"), 0.85, 1.09,
            "leaders", "Conference groups from exit slips instead of one-on-one conferences "
            "for everyone.", "Seventh-grade ELA.", "Every writer is conferred with weekly."),
    DemoTry("tom.nguyen", "goal-setting", ("video", "aisha.khan"), 0.90, 1.35, "leaders",
            "A goal card at the start of every lab.", "Fourth-grade science.",
            "Students check their lab goal before cleanup."),
)
