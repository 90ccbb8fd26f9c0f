"""The widget toolkit SimDroid apps build their screens from (see views.py)."""

from vera.env.android.sim.toolkit.views import (
    Button,
    CheckBox,
    Column,
    CompoundButton,
    Divider,
    EditText,
    FrameLayout,
    ImageButton,
    ImageView,
    LinearLayout,
    ListItem,
    NumberPicker,
    RadioButton,
    RecyclerView,
    Row,
    ScrollView,
    SeekBar,
    Spacer,
    Switch,
    TextView,
    Toolbar,
    View,
    grid_rows,
)

__all__ = [
    "Button", "CheckBox", "Column", "CompoundButton", "Divider", "EditText", "FrameLayout", "ImageButton",
    "ImageView", "LinearLayout", "ListItem", "NumberPicker", "RadioButton", "RecyclerView", "Row",
    "ScrollView", "SeekBar", "Spacer", "Switch", "TextView", "Toolbar", "View", "grid_rows",
]
