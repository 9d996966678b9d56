"""What shoppers say, by what they want: the training sentences of the assistant's intent
classifier (chat/understanding.py).

Sentences are written with the shop's own words already replaced by their kind, as the
classifier sees every message: PRODUCT (a product named), BRAND, CATEGORY, COLOR, SIZE, PRICE,
NUM, CODE (a coupon code), POINTS, PERCENT, ORDERNO (an order number), CITY (a store's city or
name), ORD (first, second, last...), and THING for a word the shop does not know. "(a|b|)" stands for
each choice in turn, the empty one included; each intent keeps at most MAX_PER_INTENT of its
expansions, picked with a fixed seed so that training is the same every time.
"""

import random
import re

MAX_PER_INTENT = 400
# Said around any request; each sentence gets at most one of each, picked by the seed.
OPENINGS = [
    "",
    "",
    "",
    "ok ",
    "hmm ",
    "actually ",
    "and ",
    "also ",
    "please ",
    "hey ",
    "so ",
    "can you ",
    "could you ",
    "i want to ",
    "id like to ",
    "now ",
]
CLOSINGS = ["", "", "", " please", " thanks", " now", " for me", " ok", " pls", " then"]

_ITEM = "(it|that|this|that one|this one|the ORD one|the ORD|PRODUCT|the PRODUCT|the BRAND one)"

TEMPLATES: dict[str, list[str]] = {
    "search": [
        (
            "(show me|find me|find|i want|i need|im looking for|looking for|do you have|got any|"
            "search for|can i see|lets see|browse|any) (some |a |an |)(COLOR |)(BRAND |)CATEGORY"
            "( under PRICE| below PRICE| for less than PRICE| over PRICE| between PRICE and PRICE|"
            " in COLOR| in size SIZE| size SIZE|)"
        ),
        (
            "(cheapest|the cheapest|most expensive|priciest|best rated|top rated|highest rated|"
            "lowest priced|least expensive|budget|premium) (BRAND |)(CATEGORY|one|ones)"
        ),
        "whats (the|your) (cheapest|most expensive|best rated|best) (BRAND |)(CATEGORY|THING)",
        (
            "(which|what) (CATEGORY|BRAND CATEGORY) (do you have|do you sell|do you carry|are there)"
            "( under PRICE|)"
        ),
        "(do you|do u|you) (sell|carry|stock|have) (any |)(THING|CATEGORY|BRAND|BRAND stuff)",
        "(i need|i want|looking for|find me|show me) (a |an |some |)THING( under PRICE|)",
        "(COLOR |)(BRAND |)CATEGORY( under PRICE| below PRICE| in COLOR| size SIZE|)",
        "BRAND",
        "(the |a |)(COLOR |)PRODUCT",
        "(show me|find|search for|got|any|looking for) (the |a |)(COLOR |)PRODUCT( in COLOR| size SIZE|)",
        "(something|anything|stuff|things) (COLOR |)(under PRICE|below PRICE|in COLOR|cheap)",
        (
            "(what about|how about|and|or|now|ok now|actually) (in |)(COLOR|BRAND|size SIZE|"
            "under PRICE|CATEGORY)( instead| then|)"
        ),
        "(only|just) (the |)(BRAND|COLOR) ones( please|)",
        "(from|by|made by|only from|just from) BRAND( instead| only| then| please|)",
        (
            "(in COLOR|under PRICE|below PRICE|size SIZE|less than PRICE|COLOR|in size SIZE|"
            "COLOR ones|COLOR size SIZE)( instead| please| then| only|)"
        ),
        "(show me |any |)(cheaper|more expensive|better rated) (ones|options|CATEGORY)",
        "(sort|order) (them|those|it|the results) by (price|rating)( from low to high| high to low|)",
        "(show me |)(the |)(highest|best|top) rated (BRAND |)(CATEGORY|ones|one)( under PRICE|)",
        (
            "(which|what) (one|ones|of those|of them|of these|CATEGORY) (has|have|is|are) the "
            "(best|highest|top) (rating|ratings|reviews|rated|reviewed)"
        ),
        "(show me |)(more|other) (options|CATEGORY|ones)",
        (
            "i ( am|m|) (shopping|looking) for (a |)(gift|present|THING)( for my THING|)"
            "( under PRICE|)"
        ),
        "(got|have you got|do you have) (anything|something) (for|like) THING",
        "(my budget is|i can spend|i have) PRICE( for (a |)CATEGORY|)",
        "(what|which) (CATEGORY|BRAND) (are|is) (on sale|in stock|available)",
        "BRAND CATEGORY (under PRICE|in COLOR|size SIZE)",
    ],
    "product_info": [
        "(tell me|tell me more|more) about ITEM",
        (
            "what (colors|colours|color options|colour options|sizes|size options) (does|do) "
            "ITEM (come in|have|come with)"
        ),
        (
            "(which|what) (colors|colours|sizes) (are there|are available|can i get)( for ITEM| "
            "in ITEM|)"
        ),
        "(does|do) ITEM come in (COLOR|size SIZE|other colors|other sizes)",
        "(describe|details on|details for|info on|information about|specs of|specs for) ITEM",
        "(how much is|whats the price of|price of|how much does) ITEM( cost|)",
        "(is|are) ITEM (waterproof|comfortable|warm|heavy|light|big|small|for kids)",
        "whats ITEM (like|made of)",
        "(can you |)(show|give) me (the |)(details|info|specs|description) (of|for|on) ITEM",
        "what is ITEM",
        "(colors|colours|sizes) (for|of) ITEM",
        "(is there|do you have) ITEM in (COLOR|size SIZE)",
        ("(whats|what is|what are) the (price|prices|cost) (of|for|on) ITEM( and ITEM|)"),
    ],
    "product_reviews": [
        (
            "what (do|did) (people|customers|buyers|shoppers|reviewers|others|other people|users)"
            " (say|think|write) (about|of) ITEM"
        ),
        (
            "(any|are there any|are there|got any|do you have|do you have any|show me|show me the|"
            "show me some|read me|read me the|can i see the|can i read) (reviews|ratings|customer "
            "reviews|feedback) (of|for|on|about) ITEM"
        ),
        "(is|are) ITEM (any good|good|worth it|worth the money|well rated|well reviewed|popular)",
        "how (is|are) ITEM (rated|reviewed|liked)",
        "(whats|what is) ITEM rated",
        "(how many stars|what rating|how many reviews|what reviews|what ratings) (does|do) ITEM have",
        (
            "(whats|what is|what are|tell me|tell me about) the (rating|ratings|reviews|star rating|"
            "stars|feedback|verdict) (of|for|on) ITEM"
        ),
        "(reviews|ratings|rating|feedback) (of|for|on) ITEM",
        "(do|did) (people|customers|buyers|shoppers) (like|love|recommend|hate) ITEM",
        "(hows|what s|whats) the (feedback|opinion|word) on ITEM",
        (
            "any (complaints|bad reviews|negative reviews|good reviews|problems reported) "
            "(about|for|on) ITEM"
        ),
        "(what do|what did) (people|customers|reviewers) (say|think)( about it| of it|)",
        "(reviews|ratings) please",
        "(should i|would you) (buy|get) ITEM( or not|)",
    ],
    "stock": [
        (
            "(is|are) ITEM (in stock|available)( at the CITY store| in CITY| at CITY| near CITY|"
            " in the CITY store|)"
        ),
        "(do you have|have you got|got) ITEM in stock( in CITY| at the CITY store|)",
        "how many (of |)ITEM (are left|do you have|are in stock|are there)( in CITY|)",
        "(can i|could i) (pick up|collect|get) ITEM (in|at) (the |)CITY( store|)",
        "(which|what) stores? (have|has|carry|stock) ITEM",
        "(is|are) (the |)(COLOR|size SIZE) (one|ones|version) (in stock|available)( in CITY|)",
        "(availability|stock|stock levels) (of|for) ITEM( in CITY|)",
        "where can i (buy|find|get) ITEM( in person|)",
        "(does|do) (the |)CITY( store| shop|) have ITEM( in stock|)",
        "any ITEM (left|in stock) (in|at) (the |)CITY( store|)",
        "is ITEM (sold out|out of stock)",
        "(which|what) (stores|shops|locations) (have|has|carry|stock) (it|ITEM|the ORD one)",
        "(where|which store) (is|are) ITEM (in stock|available)",
        "how many (are|do you have) (in stock |left |)(at|in) (the |)CITY( store|)",
    ],
    "add_to_cart": [
        "(add|put|throw|pop|stick) ITEM (in|into|to) (my|the) (cart|basket|bag)",
        (
            "(add|buy|get me|ill take|i ll take|i will take|i want|id like|i would like|grab|order)"
            " (NUM |a |one |)ITEM( in COLOR| in size SIZE| size SIZE| in COLOR size SIZE|)"
            "( please| to my cart|)"
        ),
        "(add|buy|ill take|get me) NUM( of them| of those| of it| please|)",
        "(add|buy|ill take|get me) (NUM |a |)(COLOR |)(BRAND |)PRODUCT( size SIZE| in SIZE|)",
        "(yes |ok |)(add|buy) (it|that|them)( please| to cart|)",
        "(one|NUM|another) more( please| of those| of them|)",
        "(add|throw in|get me) another (one|)",
        "i (want|need|d like) to buy ITEM",
        "(put|add) (the |)(ORD|ORD one) (in the cart|in my cart|to cart)",
        "(lets|let s) (go with|get) ITEM",
        "(ill|i ll|i will) (have|go with) ITEM( in COLOR| size SIZE|)",
        "(size SIZE|COLOR|in COLOR|in size SIZE|COLOR size SIZE|size SIZE in COLOR) and add it",
        "(can i|could i|can you) (add|buy|order|get) ITEM",
        (
            "(add|buy|get me|put) (the |)(cheapest|best rated|most expensive|top rated) (BRAND |)"
            "(COLOR |)CATEGORY( in COLOR| size SIZE|)( to my cart|)"
        ),
        "i (want|need|like|love|ll take|ll have|ll buy) (ITEM|that|those|them)( please| thanks|)",
        "(yes|yeah|ok) (that one|this one|the ORD one|ITEM)( please| looks good|)",
        "(that one|this one|the ORD one|ITEM) (please|looks good)",
        "(and |or |)(that|it|this|this one|that one) in (COLOR|size SIZE|COLOR size SIZE)( too|)",
        "(add|buy) ITEM and (NUM|one) ITEM",
    ],
    "save_to_wishlist": [
        (
            "(save|bookmark) ITEM( for later| to my wishlist| to my wish list| in my wishlist| for "
            "another time| to my list| to my favorites|)"
        ),
        (
            "(add|put|pop|stick) ITEM (to|on|in|into) (my|the) (wishlist|wish list|saved items|"
            "favorites|favourites|saved list)"
        ),
        "(add|put|save) (it |this |that |)(to|on|in) (my|the) (wishlist|wish list|favorites)",
        "(save|keep|remember) (it|this|that|this one|that one|ITEM) for (later|another day|now)",
        "(wishlist|favorite|favourite|bookmark) (it|this|that|this one|that one|ITEM)",
        "i (want|d like|would like) to save ITEM( for later|)",
        (
            "(save|add) the COLOR (one|ones)( in SIZE| in size SIZE| size SIZE|)( for later| to my "
            "wishlist|)"
        ),
        (
            "(save|bookmark) (it|that|this|ITEM) in (COLOR|size SIZE|COLOR size SIZE|SIZE)"
            "( for later| to my wishlist|)"
        ),
        "not (now|today|yet|right now)( but|) (save|keep) (it|that|this|ITEM) for later",
        "(can you|could you|please) (save|add) (it|this|that|ITEM) (for later|to my wishlist)",
        "(put|add) (it|this|that) on my (wish list|wishlist|list) (for later|please|)",
        "(i ll|ill|i will|let me) (think about|decide on) (it|ITEM)( later|) (save|keep) it",
    ],
    "notify_when_back": [
        (
            "(let me know|tell me|notify me|alert me|ping me|email me|message me|text me) (when|once|"
            "as soon as|if) ITEM (is|are|comes|come|gets|get) (back|back in stock|in stock|"
            "restocked|available again|available)"
        ),
        (
            "(let me know|tell me|notify me|alert me|email me) (when|once|as soon as|if) the COLOR "
            "(one|ones)( in SIZE| in size SIZE| size SIZE|) (is|are|comes|gets) (back|back in stock|"
            "in stock|restocked|available)"
        ),
        (
            "(let me know|tell me|notify me|alert me|email me) (when|once|as soon as|if) (its|theyre|"
            "they re|it is|they are|its been) (back|back in stock|in stock|restocked|available "
            "again)( in COLOR| in SIZE| in size SIZE| in COLOR SIZE|)"
        ),
        (
            "(can you |could you |please |)(notify|alert|email|tell) me (when|if|once) (you|you guys) "
            "(restock|get more of|have more of|get) (it|ITEM|them|those)( in COLOR| in SIZE| in "
            "size SIZE|)( again|)"
        ),
        (
            "(i want to|id like to|can i|i d like to|i would like to) (be notified|get notified|get an "
            "alert|get an email|hear) when ITEM (is|comes|gets) (back|back in stock|restocked|"
            "available)"
        ),
        (
            "(set up|create|add|turn on|sign me up for) (a |an |)(restock|back in stock|stock|"
            "availability) (alert|notification|notice|email)( for ITEM|)"
        ),
        "(notify|alert) me( about ITEM| for ITEM| when available| when it s back|)",
        "(keep me posted|keep me updated|keep me in the loop) (on|about) ITEM",
        (
            "(put me on|add me to) the (waiting list|waitlist|wait list|list)( for ITEM| for the "
            "COLOR one|)"
        ),
        "(ITEM|it|that) is sold out (let me know|notify me|tell me) when (its|it is) back",
    ],
    "set_quantity": [
        (
            "(make it|make that|change it to|change that to|set it to|update it to|i want|"
            "i need|actually make it|actually) NUM( instead| please|)"
        ),
        "change (the |my |)(quantity|amount|number) (of ITEM |)to NUM",
        "(update|change|set) ITEM to NUM( units| pieces| pairs|)",
        "(i only want|i just want|just) NUM( of (them|those|ITEM)| please|)",
        "(increase|reduce|decrease|lower|bump) (it|that|the quantity|ITEM) to NUM",
        "(double|triple) (it|that|the quantity|ITEM|my CATEGORY|the CATEGORY)( please|)",
        "can i have NUM (instead|of those instead)",
    ],
    "change_options": [
        (
            "(change|switch|swap|make) (it|that|ITEM|the CATEGORY|my CATEGORY) (to|for|into) "
            "(COLOR|size SIZE|a SIZE|an SIZE|SIZE|COLOR size SIZE)( instead|)"
        ),
        (
            "(can i|could i|id rather|i d rather|i want to) (get|have|switch to|change to) "
            "(the |a |)(COLOR|size SIZE|SIZE)( one|) instead( of the (COLOR|SIZE)|)"
        ),
        "(actually |)(i want|i need|give me) (it|ITEM|the CATEGORY) in (COLOR|size SIZE) instead",
        "(wrong|different) (size|color|colour)( can you change it| please change it| for ITEM|)",
        "(make|change) (it|that|the CATEGORY) (COLOR|size SIZE) (instead|please)",
        "(exchange|swap) (the |my |)(CATEGORY|ITEM) for (a |)(size SIZE|SIZE|COLOR)( one|)",
    ],
    "remove_item": [
        "(remove|delete|drop|take out|take off|get rid of) ITEM( from (my|the) (cart|basket|bag)|)",
        "(take|get) ITEM out of (my|the) (cart|basket|bag)",
        "i (dont|do not|no longer) (want|need) ITEM( anymore| any more|)",
        "(remove|delete) (the |my |)(CATEGORY|BRAND CATEGORY|COLOR CATEGORY)( from my cart|)",
        "(nevermind|never mind|forget) (about |)(the |)(ITEM|CATEGORY)",
        "(actually |)(remove|drop|ditch|lose) (it|that|them|those)( please|)",
    ],
    "clear_cart": [
        "(empty|clear|reset|wipe) (my|the) (cart|basket|bag)",
        "(remove|delete|take out) everything( from (my|the) (cart|basket|bag)|)",
        "start (over|again) with an empty (cart|basket)",
        "i (dont|do not) want anything in my cart",
    ],
    "show_cart": [
        (
            "(show me |show |whats in |what is in |view |see |check |open |)(my|the) "
            "(cart|basket|bag|shopping cart)"
        ),
        "(whats|what is|how much is) (my|the) (total|cart total|order total|subtotal)",
        "(cart|basket|my cart|total)",
        "what (have i got|did i add|do i have) (in my (cart|basket|bag)|so far)",
        "(how much|what) (do i owe|will it cost|does it come to)( in total|)",
        "(order|cart) summary",
        "(whats|what is) my (shipping|tax|discount)",
    ],
    "apply_coupon": [
        (
            "(apply|use|add|redeem|enter|try) (the |my |this |)(coupon |code |promo code |"
            "discount code |voucher |promo |)CODE( please| to my order| on my cart|)"
        ),
        (
            "i (have|got) a (coupon|code|promo code|discount code|voucher)( its| it is| called|"
            " for|) CODE"
        ),
        "(heres|here is|here s) my (coupon|code|promo|voucher)( code|) CODE",
        "CODE( please| coupon| code|)",
        "(can i|could i|do i get to) use CODE( on this| here|)",
        "(put|stick|add) CODE on (it|my order|the cart|my cart)",
        "(does|will) CODE work( here| on this|)",
        "(actually |no |)(use|try|switch to|go with|swap to|change to) CODE( instead| then|)",
    ],
    "remove_coupon": [
        (
            "(remove|delete|drop|take off|cancel|undo) (the |my |that |)(coupon|code|promo code|"
            "discount code|discount|voucher|CODE)"
        ),
        "(dont|do not) (use|apply) (the |a |any |)(coupon|code|discount|CODE)",
        "take (the |that |)(coupon|code|CODE) off( my order| the cart|)",
        "i (dont|do not) want (the |that |)(coupon|code|discount|CODE)( anymore| applied|)",
        "(no|without) (coupon|code|discount) (please|thanks)",
    ],
    "list_coupons": [
        (
            "(what|which|any) (coupons|codes|promo codes|discount codes|discounts|deals|offers|"
            "promotions|vouchers) (do i have|can i use|are there|are available|do you have)"
        ),
        "(do you have|are there|got) any (coupons|deals|discounts|offers|promotions|sales)",
        "(show|list) (me |)(my |the |available |)(coupons|codes|discounts|offers)",
        "(any|got any) (deals|discounts|coupons)( for me| today|)",
        "how can i (save|get a discount)",
    ],
    "coupon_info": [
        (
            "(whats|what is|tell me) (the |)(minimum|min purchase|minimum purchase|minimum spend|"
            "maximum|maximum discount|max discount|limit|cap|catch|deal|discount|expiry|"
            "expiration date) (for|on|of|with) CODE"
        ),
        (
            "(is there|does it have|has it got) (a |an |any |)(minimum|maximum|max|cap|limit|"
            "expiry date|catch)( discount| spend| purchase|) (on|for|with|to) CODE"
        ),
        "(tell me about|what is|whats|explain|details on|info on) CODE",
        "how much (does|will|would) CODE (take off|save me|give me|knock off)",
        "(is|does) CODE (still valid|work for me|expire|have a minimum|valid)",
        "(who|which tier) can use CODE",
        "when does CODE expire",
        "what do i need (to use|for) CODE",
        "what (does|do|will|would) (the |)CODE( code| coupon| voucher|) (do|mean|get me|give me)",
    ],
    "redeem_points": [
        (
            "(use|redeem|spend|apply) (POINTS|NUM|all|all of|some of|my|all my|my loyalty|my reward)"
            "( my|) (points|reward points|loyalty points)( on| to|)( my| the| this|)"
            "( order| cart| purchase|)"
        ),
        "(pay|pay for it|pay for this) with (my |)points",
        (
            "(can i|could i|i want to|id like to) (use|redeem|spend) (my |POINTS |NUM |)points"
            "( on this| for this order|)"
        ),
        "(take|knock) (POINTS|NUM) points off",
        "(put|apply) POINTS (points |)(on|to) (it|my order|the cart)",
    ],
    "remove_points": [
        "(dont|do not) (use|redeem|spend) (my |the |any |)points",
        (
            "(remove|take off|drop|cancel|undo|release|give back) (the |my |)(points|points discount|"
            "points redemption|redeemed points)"
        ),
        "(i want to |id like to |)(keep|save) my points( for later|)",
        "(no|without) points (please|thanks|this time)",
        "put (my |the |)points back",
    ],
    "loyalty_status": [
        (
            "(how many|how much) (points|reward points|loyalty points) (do i have|have i got|"
            "have i earned|are in my account)"
        ),
        (
            "(whats|what is|show|check) my (points|points balance|balance|tier|loyalty status|"
            "rewards|reward status|membership level|status)"
        ),
        "(am i|what tier am i|which tier am i)( gold| silver| a member| in|)",
        "how (far|close) am i (from|to) the next tier",
        (
            "how many (more |)points (do i need|until|to reach|to get to|for) (the next tier|gold|"
            "silver|platinum|the next level|TIER)"
        ),
        "(what|which) (tier|level|status) (am i|do i have|is my account)",
        "(my |)(rewards|loyalty|points|tier)",
        "(what do i get|what are my perks) (as a member|for my tier)",
    ],
    "order_status": [
        (
            "(where is|wheres|whats the status of|status of|track|tracking for|any update on|"
            "check on) (my |the |)(order|package|parcel|delivery|shipment)( ORDERNO|)"
        ),
        "(track|status|where is) ORDERNO",
        "(has|did) (my |)(order|package|ORDERNO) (shipped|arrive|been delivered|go out)",
        "when (will|does) (my |)(order|package|ORDERNO|it) (arrive|get here|be delivered|ship)",
        "(whats|what is) the tracking number( for ORDERNO| of my order|)",
        "order ORDERNO",
        "(did you|have you) (ship|send) (my order|ORDERNO|it)( yet|)",
        (
            "(has|did|is) my (CATEGORY|PRODUCT|BRAND) order (shipped|gone through|arrived|processing|"
            "been sent|on its way)( yet|)"
        ),
        "(where is|whats the status of|any news on) (my |the |)(CATEGORY|PRODUCT) (order|i ordered)",
        (
            "(whats the status of|where is) the order i (placed|made) (last week|yesterday|recently|"
            "earlier|the other day)"
        ),
    ],
    "order_history": [
        (
            "(show|list|see|view) (me |)(all |)my (orders|order history|past orders|recent orders|"
            "purchases|previous orders)"
        ),
        (
            "(my orders|order history|my purchases|what did i (order|buy)|what have i (ordered|bought))"
            "( so far| before| from you| here| recently|)"
        ),
        "how many orders (do i have|have i (placed|made))",
        "(have i|did i) (ordered|order|bought|buy) anything( before| yet|)",
        "(what|which) orders do i have",
        "(do i have|have i got) any (orders|open orders|past orders)",
    ],
    "return_policy": [
        "(whats|what is|tell me) (your|the) (return|returns|refund|exchange) policy",
        "how (long|many days) do i have to (return|send back|exchange) (something|an item|it|stuff)",
        "(can|do) you (accept|take) returns",
        "(how do|how can) (returns|refunds|exchanges) work",
        "is there a (return|refund) (window|period|deadline)",
    ],
    "cancel_order": [
        (
            "(cancel|stop|call off|abort) (my |the |)(last |latest |recent |)(order|purchase)"
            "( ORDERNO|)( please|)"
        ),
        (
            "(i want to|i d like to|id like to|please|can you|can i) cancel (my |the |)"
            "(order|last order|ORDERNO|purchase)"
        ),
        "cancel ORDERNO",
        (
            "cancel the (order|one) that (hasnt|has not|didnt|did not) (shipped|been sent|shipped yet|"
            "gone out)( yet|)"
        ),
        "cancel my (unshipped|pending|paid|processing|open|other) order",
        "i (changed my mind|dont want it) (cancel|please cancel) (my |the |)order( ORDERNO|)",
        "(yes |)(cancel|kill) it( please|)",
    ],
    "start_return": [
        (
            "(return|send back|refund) (my |the |)(order|purchase|items|stuff|CATEGORY|ITEM)"
            "( ORDERNO| from ORDERNO| from my last order|)"
        ),
        (
            "(i want to|i d like to|id like to|can i|how do i|please) (return|send back|get a "
            "refund for) (my |the |)(order|items|CATEGORY|ORDERNO|last order|it)"
        ),
        "(start|open|begin|request) a return( for ORDERNO| for my order|)",
        "(i want|i need|can i get) (a refund|my money back)( for ORDERNO| for my order|)",
        "(return|refund) ORDERNO",
        (
            "(start|open|make) a return (on|for) (ORDERNO|my order|my last order) (for|of) (the |my |)"
            "(COLOR |)(CATEGORY|PRODUCT)( size SIZE|)( its too big| they dont fit| its too small|)"
        ),
        (
            "(return|send back) (the |my |)(COLOR |)(CATEGORY|PRODUCT) (from|in|of) (ORDERNO|my order|"
            "my last order)( it doesnt fit| they dont fit|)"
        ),
        (
            "(it|the CATEGORY|ORDERNO) (doesnt fit|arrived broken|is faulty|is damaged)"
            "( i want to return it| can i return it|)"
        ),
    ],
    "recommend": [
        "what (goes|would go|pairs|works) (well |nicely |)with ITEM",
        "(anything|something|products|items) (similar to|like) ITEM",
        (
            "(show me |any |got any |)(similar|alternatives|alternative|other options|matching) "
            "(products|items|ones|to ITEM|for ITEM|)"
        ),
        (
            "(what|anything) (else |)(would you|do you|can you) (recommend|suggest)( with ITEM|"
            " for ITEM| to go with ITEM|)"
        ),
        "(complete|finish) the (look|outfit|set)",
        "what should i (buy|get) (with|to go with) ITEM",
        "(recommend|suggest) (me |)(something|a CATEGORY|CATEGORY)( to go with ITEM| for ITEM|)",
        "(any |)accessories for ITEM",
        (
            "(any |)(gift|present) (ideas|suggestions|recommendations)( for my THING| for a THING|)"
            "( under PRICE|)"
        ),
        "what (would you|do you) recommend( for a gift| for my THING| under PRICE|)",
        (
            "(can you |)(suggest|recommend) (something|a gift|a present|some ideas)( for (my |a |)THING|)"
            "( under PRICE|)"
        ),
        (
            "(i need|im looking for|help me find) (a |)(gift|present) (for|to give) (my |a |)THING"
            "( who likes (CATEGORY|THING)|)"
        ),
    ],
    "affirm": [
        (
            "(yes|yeah|yep|yup|sure|ok|okay|alright|absolutely|definitely|of course|correct|right)"
            "( please| go ahead| do it| thats right| im sure|)"
        ),
        "(go ahead|do it|confirm|confirmed|please do|sounds good|lets do it|proceed)",
        "yes (cancel|return|do) it",
        "(yes|yep|sure) (i am sure|i m sure|im sure|thats fine)",
    ],
    "deny": [
        "(no|nope|nah|no thanks|no thank you|not now|not really)( please|)",
        "(dont|do not|please dont) (do it|cancel it|cancel|return it|bother)",
        "(keep|leave) it( as it is| please|)",
        "no (keep|leave) (it|my order|the order)",
        (
            "(never mind|nevermind|forget it|changed my mind|i changed my mind|scratch that|"
            "cancel that|hold on|wait)"
        ),
        "(no|nope) (i|ill) (keep|want) (it|the order)",
    ],
    "greeting": [
        (
            "(hi|hello|hey|hiya|howdy|yo|good morning|good afternoon|good evening|greetings)"
            "( there| again| friend|)"
        ),
        "(how are you|how are you doing|hows it going|whats up|how do you do)( today|)",
        "(hi|hello|hey) (how are you|whats up)",
        "(nice|good|lovely) to (meet|see) you",
    ],
    "thanks": [
        (
            "(thanks|thank you|thx|ty|cheers|much appreciated|thanks a lot|thank you so much)"
            "( so much| a lot| for the help|)"
        ),
        "(great|perfect|awesome|cool|nice|lovely|brilliant|excellent|ok great)( thanks|)",
        "(bye|goodbye|see you|see ya|have a nice day|talk later|thats all)( thanks|)",
        "(that|this) (helps|helped|was helpful)",
    ],
    "capabilities": [
        "(what can you do|what do you do|how can you help|help|help me|i need help)",
        "(who|what) are you",
        "(are you|is this) a (bot|robot|human|real person|person|ai)",
        "how does this (work|chat work)",
        "what (can|should) i (ask|say)( you|)",
        "(what is|whats) your name",
    ],
    "departments": [
        "what (do you|does this shop|does the store) (sell|carry|have|offer)",
        (
            "(what|which) (categories|departments|kinds of products|types of products|products) "
            "(do you have|are there|do you sell)"
        ),
        "(show|list) (me |)(all |)(the |)(categories|departments|everything you sell)",
        "what kind of (stuff|things|products) (do you|can i) (sell|buy|have)",
    ],
    "refuse_others": [
        (
            "(show|list|look up|find|check|tell me) (me |)(my |)(friends|wifes|husbands|moms|"
            "neighbors|neighbours|brothers|sisters|someone elses|another customers|other peoples|"
            "THING s|the previous customers) (orders|order|address|cart|points|purchases|details|"
            "account|card)"
        ),
        (
            "what did (THING|my friend|my wife|another customer|the last customer|someone else)"
            " (buy|order)"
        ),
        (
            "(look up|check|track|cancel) (the |)(orders|order) (for|of) (THING|my friend|"
            "another account|another customer|someone else)"
        ),
        (
            "(give|send|show) me (another|someone elses|other) (customers|users|peoples) "
            "(address|email|phone number|card|orders)"
        ),
        "(can you |)(check|track|cancel|see) (my friends|someone elses|THING s) order( ORDERNO|)",
        "(log in|sign in|switch) (as|to) (another user|THING|my friend|someone else)",
        "who (else |)(bought|ordered) ITEM",
    ],
    "refuse_rules": [
        "(change|lower|drop|reduce|cut|set) the price( of ITEM|)( to PRICE|)",
        (
            "(give|can you give|could you give) me (a|an extra|a bigger|a special|a free|a staff) "
            "(discount|deal|price|gift|coupon)"
        ),
        "(make it|can i have it|give it to me|can you make it) (for free|free|cheaper|half price)",
        (
            "(override|skip|ignore|bypass|waive) the (tier check|rules|limit|minimum|minimum "
            "purchase|expiry|shipping fee|tax)"
        ),
        "(give|add|credit) me (POINTS|NUM|some|free|extra|more) points",
        (
            "(add|give|credit|transfer|put) (POINTS|NUM|some|free|extra|more|bonus) (more |extra |free |)"
            "points (to|into|on) (my|this) account"
        ),
        "(set|change|make|lower) the price of ITEM to PRICE",
        (
            "(change|set|lower|drop|reduce) the price of (the |my |)(CATEGORY|ITEM) in my (cart|basket)"
            " to PRICE"
        ),
        "(i want|give me|can i get) ITEM for (free|PRICE|nothing|half price)",
        "(set|change|upgrade|bump) my (tier|status|level) to (gold|platinum|silver|THING)",
        "(extend|reactivate|change) the (coupon|code|CODE|sale|offer)",
        "(can you |)(apply|give me) (the |a |)(staff|employee|secret|special) discount",
        "(just |)(let me|let me use|allow) CODE (anyway|even though|without)",
        "(remove|waive|skip) the (tax|shipping|delivery fee)",
        (
            "(make|give me|can i get|i want) (it|this|everything|my order|ITEM|a) PERCENT (off|discount)"
            "( please| for me|)"
        ),
        (
            "(can you |)(reset|change|give me|tell me|show me) (the |my |an |)(admin|staff|other)"
            " (password|account|access|login)"
        ),
    ],
}


def expand(template: str) -> list[str]:
    """Every sentence a template stands for: "(a|b|)" takes each choice, innermost first."""
    group = re.search(r"\(([^()]*)\)", template)
    if group is None:
        return [re.sub(r"\s+", " ", template).strip()]
    sentences = []
    for choice in group[1].split("|"):
        sentences += expand(template[: group.start()] + choice + template[group.end() :])
    return sentences


def sentences() -> list[tuple[str, str]]:
    """(sentence, intent) pairs to train on."""
    pairs = []
    for intent, templates in TEMPLATES.items():
        rng = random.Random(f"corpus:{intent}")
        per_template = max(MAX_PER_INTENT // len(templates), 8)
        found: set[str] = set()
        for template in templates:
            expanded = sorted(set(expand(template.replace("ITEM", _ITEM))))
            rng.shuffle(expanded)
            found.update(expanded[:per_template])
        for sentence in sorted(found):
            pairs.append((sentence, intent))
            if intent not in ("affirm", "deny", "greeting", "thanks"):
                padded = f"{rng.choice(OPENINGS)}{sentence}{rng.choice(CLOSINGS)}"
                if padded != sentence:
                    pairs.append((padded, intent))
    return pairs
